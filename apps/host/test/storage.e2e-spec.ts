import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { checkPortraitObject } from '../src/characters/portrait-image.js';
import { DomainError } from '../src/common/domain-error.js';
import { StorageService } from '../src/storage/storage.service.js';
import { createTestDatabase } from './support/database.js';
import { startS3Server, type S3Server } from './support/s3-server.js';
import { startTestHost, type TestHost } from './support/test-host.js';

/** A valid 1x1 PNG. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);
const MIB = 1024 * 1024;

interface DriverUnderTest {
  host: TestHost;
  storage: StorageService;
  /** Where the presigned URL really points (local URLs name PUBLIC_URL, the test host listens elsewhere). */
  reach(url: string): string;
}

const freshKey = (ext = 'png'): string =>
  `portraits/contract-${randomBytes(6).toString('hex')}/${randomBytes(12).toString('hex')}.${ext}`;

/** PUTs a body; a connection the server cut after refusing counts as status 0 (the refusal is checked separately). */
async function put(url: string, body: Buffer, contentType: string): Promise<number> {
  try {
    const response = await fetch(url, {
      method: 'PUT',
      headers: { 'content-type': contentType },
      body: new Uint8Array(body),
    });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return 0;
  }
}

/** PUTs a body in chunks without Content-Length, so the server sees the size only while streaming. */
function putChunked(
  url: string,
  chunks: number,
  chunkSize: number,
  contentType: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      { method: 'PUT', headers: { 'content-type': contentType, 'transfer-encoding': 'chunked' } },
      (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        res.on('error', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    let sent = 0;
    const writeMore = (): void => {
      while (sent < chunks) {
        sent += 1;
        if (!req.write(randomBytes(chunkSize))) return void req.once('drain', writeMore);
      }
      req.end();
    };
    writeMore();
  });
}

describe('storage drivers (one contract, both drivers)', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let s3: S3Server;
  const drivers: Record<'local' | 's3', DriverUnderTest> = {} as Record<'local' | 's3', DriverUnderTest>;

  beforeAll(async () => {
    database = await createTestDatabase();
    s3 = await startS3Server();
    for (const [name, env] of [
      ['local', {}],
      ['s3', s3.env],
    ] as const) {
      const host = await startTestHost({ DATABASE_URL: database.url, ...env });
      drivers[name] = {
        host,
        storage: host.app.get(StorageService),
        reach: (url) => (name === 'local' ? `${host.url}${new URL(url).pathname}${new URL(url).search}` : url),
      };
    }
  }, 60_000);

  afterAll(async () => {
    await drivers.local?.host.stop();
    await drivers.s3?.host.stop();
    await s3?.stop();
    await database?.drop();
  }, 30_000);

  describe.each(['local', 's3'] as const)('%s driver', (name) => {
    it('stores a presigned PNG upload that head, readFirstBytes, the object route and delete all see', async () => {
      const { storage, reach, host } = drivers[name];
      expect(storage.kind).toBe(name);
      const key = freshKey();
      const upload = await storage.presignPut(key, {
        contentType: 'image/png',
        maxBytes: PNG.length,
        expiresInSeconds: 60,
      });
      expect(upload).toMatchObject({ method: 'PUT', headers: { 'Content-Type': 'image/png' } });
      expect(upload.expiresAt.getTime()).toBeGreaterThan(Date.now());
      expect(await put(reach(upload.url), PNG, 'image/png')).toBeLessThan(300);

      expect(await storage.head(key)).toEqual({ size: PNG.length, contentType: 'image/png' });
      expect(Buffer.from((await storage.readFirstBytes(key, 8))!)).toEqual(PNG.subarray(0, 8));
      expect(await checkPortraitObject(storage, key)).toBeNull();

      const publicUrl = storage.publicUrl(key);
      expect(new URL(publicUrl).pathname).toBe(`/v1/storage/objects/${key}`);
      const served = await fetch(`${host.url}${new URL(publicUrl).pathname}`);
      expect(served.status).toBe(200);
      expect(served.headers.get('content-type')).toBe('image/png');
      expect(Buffer.from(await served.arrayBuffer())).toEqual(PNG);
      expect(storage.keyOfPublicUrl(publicUrl)).toBe(key);

      await storage.delete(key);
      expect(await storage.head(key)).toBeNull();
      expect(await storage.readFirstBytes(key, 8)).toBeNull();
      expect((await fetch(`${host.url}/v1/storage/objects/${key}`)).status).toBe(404);
      await expect(storage.delete(key)).resolves.toBeUndefined();
    });

    it('refuses a body with another content type than the signed one (at upload, or at the confirm check)', async () => {
      const { storage, reach } = drivers[name];
      const key = freshKey();
      const upload = await storage.presignPut(key, { contentType: 'image/png', maxBytes: 11, expiresInSeconds: 60 });
      const status = await put(reach(upload.url), Buffer.from('hello world'), 'text/plain');
      if (name === 'local') {
        // No parser takes text/plain (the host reads JSON, and images on this route only): 415 before the route.
        expect(status).toBe(415);
      } else {
        // Real S3 refuses it (content-type is a signed header); s3rver verifies no SigV4 signature.
        expect(new URL(upload.url).searchParams.get('X-Amz-SignedHeaders')).toBe('content-length;content-type;host');
      }
      if (status < 300 && status !== 0) {
        expect(await checkPortraitObject(storage, key)).toMatch(/PNG, JPEG or WebP/);
        await storage.delete(key);
      }
      expect(await storage.head(key)).toBeNull();
    });

    it('refuses a 3 MB body on a 2 MiB grant and keeps nothing', async () => {
      const { storage, reach, host } = drivers[name];
      const key = freshKey();
      const upload = await storage.presignPut(key, {
        contentType: 'image/png',
        maxBytes: 2 * MIB,
        expiresInSeconds: 60,
      });
      const big = Buffer.concat([PNG.subarray(0, 8), randomBytes(3 * 1000 * 1000)]);
      const status = await put(reach(upload.url), big, 'image/png');
      if (name === 'local') {
        expect(status).toBe(413);
        expect(await storage.head(key)).toBeNull();
        expect(await readdir(join(host.dataDir, 'uploads', '.tmp')).catch(() => [])).toEqual([]);
      } else {
        expect(new URL(upload.url).searchParams.get('X-Amz-SignedHeaders')).toContain('content-length');
        // s3rver stored it anyway: the confirm check is what refuses it.
        expect(status).toBe(200);
        expect((await storage.head(key))?.size).toBe(big.length);
        expect(await checkPortraitObject(storage, key)).toMatch(/between 1 and 2097152 bytes/);
        await storage.delete(key);
        expect(await storage.head(key)).toBeNull();
      }
    });
  });

  describe('local upload route', () => {
    it('answers 413 to an oversized Content-Length before reading the body', async () => {
      const { storage, reach } = drivers.local;
      const key = freshKey();
      const upload = await storage.presignPut(key, { contentType: 'image/png', maxBytes: 1000, expiresInSeconds: 60 });
      const response = await fetch(reach(upload.url), {
        method: 'PUT',
        headers: { 'content-type': 'image/png' },
        body: randomBytes(5000),
      });
      expect(response.status).toBe(413);
      expect((await response.json()) as unknown).toMatchObject({ code: 'payload_too_large' });
      expect(await storage.head(key)).toBeNull();
    });

    it('aborts a chunked upload with 413 as soon as it passes the signed size, removing the partial file', async () => {
      const { storage, reach, host } = drivers.local;
      const key = freshKey();
      const upload = await storage.presignPut(key, {
        contentType: 'image/png',
        maxBytes: 2 * MIB,
        expiresInSeconds: 60,
      });
      const result = await putChunked(reach(upload.url), 48, 64 * 1024, 'image/png');
      expect(result.status).toBe(413);
      expect(JSON.parse(result.body)).toMatchObject({ code: 'payload_too_large' });
      expect(await storage.head(key)).toBeNull();
      expect(await readdir(join(host.dataDir, 'uploads', '.tmp'))).toEqual([]);
    });

    it('accepts a chunked upload within the limit', async () => {
      const { storage, reach } = drivers.local;
      const key = freshKey();
      const upload = await storage.presignPut(key, {
        contentType: 'image/webp',
        maxBytes: 64 * 1024,
        expiresInSeconds: 60,
      });
      const result = await putChunked(reach(upload.url), 4, 16 * 1024, 'image/webp');
      expect(result.status).toBe(204);
      expect(await storage.head(key)).toEqual({ size: 64 * 1024, contentType: 'image/webp' });
    });

    it.each([
      ['a forged signature', (url: URL) => url.searchParams.set('sig', 'A'.repeat(43))],
      ['a raised size limit', (url: URL) => url.searchParams.set('max', String(50 * MIB))],
      ['another signed content type', (url: URL) => url.searchParams.set('ct', 'image/webp')],
      ['another key', (url: URL) => (url.pathname = url.pathname.replace(/\/[^/]+$/, '/other.png'))],
      ['a missing signature', (url: URL) => url.searchParams.delete('sig')],
    ])('refuses %s with 403', async (_what, tamper) => {
      const { storage, reach } = drivers.local;
      const key = freshKey();
      const upload = await storage.presignPut(key, {
        contentType: 'image/png',
        maxBytes: PNG.length,
        expiresInSeconds: 60,
      });
      const url = new URL(reach(upload.url));
      tamper(url);
      const response = await fetch(url, { method: 'PUT', headers: { 'content-type': 'image/png' }, body: PNG });
      expect(response.status).toBe(403);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(await storage.head(key)).toBeNull();
    });

    it('refuses an expired upload URL with 403', async () => {
      const { storage, reach } = drivers.local;
      const key = freshKey();
      const upload = await storage.presignPut(key, {
        contentType: 'image/png',
        maxBytes: PNG.length,
        expiresInSeconds: -1,
      });
      const response = await fetch(reach(upload.url), {
        method: 'PUT',
        headers: { 'content-type': 'image/png' },
        body: PNG,
      });
      expect(response.status).toBe(403);
      expect(((await response.json()) as { detail: string }).detail).toMatch(/expired/);
      expect(await storage.head(key)).toBeNull();
    });

    it('serves objects with nosniff, a locked-down CSP and cache headers', async () => {
      const { storage, reach, host } = drivers.local;
      const key = freshKey();
      const upload = await storage.presignPut(key, {
        contentType: 'image/png',
        maxBytes: PNG.length,
        expiresInSeconds: 60,
      });
      expect(await put(reach(upload.url), PNG, 'image/png')).toBe(204);
      const served = await fetch(`${host.url}/v1/storage/objects/${key}`);
      expect(served.status).toBe(200);
      expect(served.headers.get('x-content-type-options')).toBe('nosniff');
      expect(served.headers.get('content-security-policy')).toBe("default-src 'none'");
      expect(served.headers.get('cache-control')).toContain('max-age=');
      expect(served.headers.get('content-length')).toBe(String(PNG.length));
    });

    it('rejects keys that leave the prefix, on the routes and in the service', async () => {
      const { storage, host } = drivers.local;
      for (const path of [
        '/v1/storage/objects/portraits/%2e%2e/%2e%2e/secrets.json',
        '/v1/storage/objects/secrets.json',
        '/v1/storage/objects/portraits/..%2F..%2Fsecrets.json',
      ]) {
        expect((await fetch(`${host.url}${path}`)).status).toBe(404);
      }
      const put403 = await fetch(
        `${host.url}/v1/storage/uploads/portraits/%2e%2e/x.png?expires=9999999999&ct=image/png&max=10&sig=x`,
        {
          method: 'PUT',
          headers: { 'content-type': 'image/png' },
          body: PNG,
        },
      );
      expect(put403.status).toBe(403);
      await expect(storage.head('portraits/../../secrets.json')).rejects.toBeInstanceOf(DomainError);
      await expect(
        storage.presignPut('elsewhere/x.png', { contentType: 'image/png', maxBytes: 1, expiresInSeconds: 1 }),
      ).rejects.toMatchObject({
        code: 'bad_request',
      });
    });
  });

  describe('s3 object route', () => {
    it('redirects to a short-lived signed GET URL', async () => {
      const { storage, host } = drivers.s3;
      const key = freshKey();
      const upload = await storage.presignPut(key, {
        contentType: 'image/png',
        maxBytes: PNG.length,
        expiresInSeconds: 60,
      });
      expect(await put(upload.url, PNG, 'image/png')).toBe(200);
      const redirect = await fetch(`${host.url}/v1/storage/objects/${key}`, { redirect: 'manual' });
      expect(redirect.status).toBe(302);
      const location = new URL(redirect.headers.get('location')!);
      expect(location.origin).toBe(s3.endpoint);
      expect(location.searchParams.get('X-Amz-Expires')).toBe('300');
      await storage.delete(key);
    });

    it('reports an unreachable store as dependency_unavailable', async () => {
      const { host } = drivers.s3;
      const { S3StorageDriver } = await import('../src/storage/s3-storage.driver.js');
      const dead = new StorageService(
        new S3StorageDriver(
          {
            endpoint: 'http://127.0.0.1:1',
            region: 'us-east-1',
            bucket: 'x',
            accessKeyId: 'a',
            secretAccessKey: 'b',
            forcePathStyle: true,
            publicUrl: undefined,
          },
          host.config.publicUrl,
        ),
      );
      await expect(dead.ping()).rejects.toMatchObject({ code: 'dependency_unavailable', status: 503 });
      await expect(dead.head(freshKey())).rejects.toMatchObject({ code: 'dependency_unavailable' });
      await dead.close();
    });
  });
});
