import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// s3rver ships no type declarations.
// @ts-expect-error -- untyped CommonJS module
import S3rver from 's3rver';

/** A real S3-compatible server (s3rver) on a random port, with one bucket, storing under a temp folder. */
export interface S3Server {
  endpoint: string;
  bucket: string;
  /** The S3_* environment of a host using this server. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

/** s3rver's default credentials. */
export const S3RVER_KEY = 'S3RVER';

/** `corsOrigins`: browser origins (one `*` wildcard each) allowed to PUT and GET objects, as a bucket's CORS rule. */
export async function startS3Server(bucket = 'cm-test', corsOrigins: string[] = []): Promise<S3Server> {
  const directory = await mkdtemp(join(tmpdir(), 'cm-s3rver-'));
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    configureBuckets: [{ name: bucket, configs: corsOrigins.length > 0 ? [corsRule(corsOrigins)] : [] }],
  });
  const address = (await server.run()) as { port: number };
  const endpoint = `http://127.0.0.1:${address.port}`;
  return {
    endpoint,
    bucket,
    env: { S3_ENDPOINT: endpoint, S3_BUCKET: bucket, S3_ACCESS_KEY_ID: S3RVER_KEY, S3_SECRET_ACCESS_KEY: S3RVER_KEY },
    stop: async () => {
      await (server.close() as Promise<void>);
      await rm(directory, { recursive: true, force: true });
    },
  };
}

function corsRule(origins: string[]): string {
  const allowed = origins.map((origin) => `<AllowedOrigin>${origin}</AllowedOrigin>`).join('');
  return `<CORSConfiguration><CORSRule>${allowed}<AllowedMethod>PUT</AllowedMethod><AllowedMethod>GET</AllowedMethod><AllowedHeader>*</AllowedHeader><MaxAgeSeconds>600</MaxAgeSeconds></CORSRule></CORSConfiguration>`;
}
