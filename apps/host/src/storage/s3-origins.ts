import type { S3Config } from '../config/app-config.js';

/**
 * The origins a browser talks to for portraits in an S3 bucket: presigned PUTs and the signed GETs the host
 * redirects to (`S3_PUBLIC_URL` when set). HTML pages' Content-Security-Policy allows them in connect-src and
 * img-src. Virtual-hosted buckets live on `<bucket>.<endpoint host>`; the SDK falls back to the endpoint itself
 * for bucket names that are not DNS labels, so both are listed.
 */
export function s3BrowserOrigins(config: S3Config | undefined): string[] {
  if (!config) return [];
  const endpoint = new URL(config.endpoint ?? `https://s3.${config.region}.amazonaws.com`);
  const origins = [endpoint.origin];
  if (!config.forcePathStyle) origins.push(`${endpoint.protocol}//${config.bucket}.${endpoint.host}`);
  if (config.publicUrl) origins.push(new URL(config.publicUrl).origin);
  return [...new Set(origins)];
}
