import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { access, constants, mkdir, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DomainError } from '../common/domain-error.js';
import type {
  ObjectDelivery,
  PresignedUpload,
  PresignPutOptions,
  StorageDriver,
  StoredObjectInfo,
} from './storage-driver.js';

/** The query parameters of a host-signed upload URL. */
export interface LocalUploadQuery {
  expires?: string;
  ct?: string;
  max?: string;
  sig?: string;
}

/** What a verified upload URL allows. */
export interface LocalUploadGrant {
  contentType: string;
  maxBytes: number;
}

/** Upper bound for any signed `max`, whatever was signed. */
const ABSOLUTE_MAX_BYTES = 64 * 1024 * 1024;

/**
 * Objects under `<dataDir>/uploads/<key>` (the embedded default). Uploads go to a host route,
 * `PUT /v1/storage/uploads/<key>?expires&ct&max&sig`, whose HMAC-SHA256 signature (over
 * key|expires|ct|max, with a key derived from the JWT secret) is the only credential. The body is
 * streamed to a temporary file and only renamed into place when complete and within `max` bytes.
 * Content types are kept beside the objects in `<dataDir>/uploads/.meta/<key>.json`.
 */
export class LocalStorageDriver implements StorageDriver {
  readonly kind = 'local' as const;
  private readonly root: string;
  private readonly signingKey: Buffer;

  constructor(
    uploadsDir: string,
    private readonly hostPublicUrl: string,
    jwtSecret: string,
  ) {
    this.root = resolve(uploadsDir);
    this.signingKey = createHmac('sha256', jwtSecret).update('cm/storage/local-upload/v1').digest();
  }

  async presignPut(
    key: string,
    { contentType, maxBytes, expiresInSeconds }: PresignPutOptions,
  ): Promise<PresignedUpload> {
    const expires = Math.floor(Date.now() / 1000) + expiresInSeconds;
    const query = new URLSearchParams({
      expires: String(expires),
      ct: contentType,
      max: String(maxBytes),
      sig: this.sign(key, String(expires), contentType, String(maxBytes)),
    });
    return {
      url: `${this.hostPublicUrl}/v1/storage/uploads/${key}?${query.toString()}`,
      method: 'PUT',
      headers: { 'Content-Type': contentType },
      expiresAt: new Date(expires * 1000),
    };
  }

  /** Checks an upload URL's signature and expiry; throws 403 otherwise. */
  verifyUpload(key: string, query: LocalUploadQuery): LocalUploadGrant {
    const { expires, ct, max, sig } = query;
    if (!expires || !ct || !max || !sig) throw forbidden('The upload URL is incomplete');
    const expected = Buffer.from(this.sign(key, expires, ct, max));
    const given = Buffer.from(sig);
    if (given.length !== expected.length || !timingSafeEqual(given, expected))
      throw forbidden('The upload URL signature is invalid');
    if (!/^\d+$/.test(expires) || Number(expires) * 1000 < Date.now()) throw forbidden('The upload URL has expired');
    const maxBytes = Number(max);
    if (!Number.isInteger(maxBytes) || maxBytes < 1 || maxBytes > ABSOLUTE_MAX_BYTES)
      throw forbidden('The upload URL is invalid');
    return { contentType: ct, maxBytes };
  }

  /**
   * Streams an upload body to disk, aborting with 413 as soon as it exceeds the granted size;
   * nothing is kept unless the whole body arrived within the limit.
   */
  async receive(key: string, grant: LocalUploadGrant, body: Readable): Promise<{ size: number }> {
    const target = this.pathOf(key);
    const temp = join(this.root, '.tmp', randomUUID());
    await mkdir(dirname(temp), { recursive: true });
    let size = 0;
    const limit = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        size += chunk.length;
        if (size > grant.maxBytes) callback(tooLarge(grant.maxBytes));
        else callback(null, chunk);
      },
    });
    // pipe() rather than pipeline(body, ...): on abort the request must stay open so that the 413 reaches the client.
    const written = pipeline(limit, createWriteStream(temp, { flags: 'wx', mode: 0o600 }));
    const onBodyError = (error: Error): void => void limit.destroy(error);
    body.on('error', onBodyError);
    body.pipe(limit);
    try {
      await written;
      await mkdir(dirname(target), { recursive: true });
      await mkdir(dirname(this.metaPathOf(key)), { recursive: true });
      await writeFile(this.metaPathOf(key), JSON.stringify({ contentType: grant.contentType }));
      await rename(temp, target);
      return { size };
    } catch (error) {
      body.unpipe(limit);
      await rm(temp, { force: true });
      throw error;
    } finally {
      body.off('error', onBodyError);
    }
  }

  async head(key: string): Promise<StoredObjectInfo | null> {
    const stats = await stat(this.pathOf(key)).catch(ifMissing(null));
    if (!stats?.isFile()) return null;
    return { size: stats.size, contentType: await this.contentTypeOf(key) };
  }

  async readFirstBytes(key: string, n: number): Promise<Uint8Array | null> {
    const file = await open(this.pathOf(key), 'r').catch(ifMissing(null));
    if (!file) return null;
    try {
      const buffer = Buffer.alloc(n);
      const { bytesRead } = await file.read(buffer, 0, n, 0);
      return buffer.subarray(0, bytesRead);
    } finally {
      await file.close();
    }
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
    await rm(this.metaPathOf(key), { force: true });
  }

  publicUrl(key: string): string {
    return `${this.hostPublicUrl}/v1/storage/objects/${key}`;
  }

  async ping(): Promise<void> {
    await mkdir(this.root, { recursive: true });
    await access(this.root, constants.W_OK);
  }

  async open(key: string): Promise<ObjectDelivery | null> {
    const info = await this.head(key);
    if (!info) return null;
    return {
      kind: 'stream',
      stream: createReadStream(this.pathOf(key)),
      size: info.size,
      contentType: info.contentType,
    };
  }

  async close(): Promise<void> {}

  private sign(key: string, expires: string, contentType: string, max: string): string {
    return createHmac('sha256', this.signingKey).update(`${key}|${expires}|${contentType}|${max}`).digest('base64url');
  }

  /** The file of a key; StorageService validated the key, this re-checks that it stays under the root. */
  private pathOf(key: string): string {
    const path = resolve(this.root, key);
    if (!path.startsWith(this.root + sep)) throw new DomainError('bad_request', 'Invalid storage key');
    return path;
  }

  private metaPathOf(key: string): string {
    return join(this.root, '.meta', `${key}.json`);
  }

  private async contentTypeOf(key: string): Promise<string> {
    const meta = await readFile(this.metaPathOf(key), 'utf8').catch(ifMissing(null));
    const contentType = meta === null ? undefined : (JSON.parse(meta) as { contentType?: unknown }).contentType;
    return typeof contentType === 'string' ? contentType : 'application/octet-stream';
  }
}

function forbidden(message: string): DomainError {
  return new DomainError('forbidden', message);
}

function tooLarge(maxBytes: number): DomainError {
  return new DomainError('payload_too_large', `The upload exceeds the allowed ${maxBytes} bytes`);
}

function ifMissing<T>(fallback: T): (error: NodeJS.ErrnoException) => T {
  return (error) => {
    if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return fallback;
    throw error;
  };
}
