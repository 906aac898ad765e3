import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';

/** One file of a client build, in memory with its precompressed variants. */
export interface StaticFile {
  body: Buffer;
  br?: Buffer;
  gzip?: Buffer;
  contentType: string;
  cacheControl: string;
  etag: string;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
  '.zip': 'application/zip',
};

/** Content-hashed files never change meaning; everything else is revalidated on each use. */
export const IMMUTABLE = 'public, max-age=31536000, immutable';
export const REVALIDATE = 'no-cache';

/**
 * Reads a build folder into memory (a few hundred KB): URL path (`/_app/x.js`) → file. `.br`/`.gz` siblings
 * become the encoded variants of their file. Files under one of `immutablePrefixes` are cached for a year.
 */
export function loadStaticFiles(dir: string, immutablePrefixes: readonly string[]): Map<string, StaticFile> {
  const files = new Map<string, StaticFile>();
  if (!existsSync(dir)) return files;
  const paths = walk(dir);
  const present = new Set(paths);
  for (const path of paths) {
    if ((path.endsWith('.br') || path.endsWith('.gz')) && present.has(path.slice(0, -3))) continue;
    const body = readFileSync(path);
    const url = `/${relative(dir, path).split(sep).join('/')}`;
    files.set(url, {
      body,
      br: present.has(`${path}.br`) ? readFileSync(`${path}.br`) : undefined,
      gzip: present.has(`${path}.gz`) ? readFileSync(`${path}.gz`) : undefined,
      contentType: TYPES[extname(path)] ?? 'application/octet-stream',
      cacheControl: immutablePrefixes.some((prefix) => url.startsWith(prefix)) ? IMMUTABLE : REVALIDATE,
      etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`,
    });
  }
  return files;
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return walk(path);
    return entry.isFile() && !entry.name.startsWith('.') ? [path] : [];
  });
}

/** The body to send for an Accept-Encoding header: brotli, then gzip, then identity. */
export function negotiate(file: StaticFile, acceptEncoding: string | undefined): { body: Buffer; encoding?: string } {
  const accepted = parseAcceptEncoding(acceptEncoding ?? '');
  if (file.br && accepted.has('br')) return { body: file.br, encoding: 'br' };
  if (file.gzip && accepted.has('gzip')) return { body: file.gzip, encoding: 'gzip' };
  return { body: file.body };
}

/** Encodings with a non-zero q value. */
function parseAcceptEncoding(header: string): Set<string> {
  const accepted = new Set<string>();
  for (const part of header.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    if (name && (q === undefined || Number(q.slice(2)) > 0)) accepted.add(name);
  }
  return accepted;
}
