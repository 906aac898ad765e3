import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { S3Config } from '../config/app-config.js';
import type {
  ObjectDelivery,
  PresignedUpload,
  PresignPutOptions,
  StorageDriver,
  StoredObjectInfo,
} from './storage-driver.js';

/** Lifetime of the signed GET URL the host redirects object reads to (when S3_PUBLIC_URL is unset). */
const READ_URL_SECONDS = 300;

/**
 * An S3-compatible bucket.
 *
 * Size enforcement: a presigned PUT URL cannot carry a content-length-range condition (only POST
 * policies can). We presign the PUT with `ContentLength` = the granted size and `ContentType`, and
 * sign both headers (`signableHeaders`; the presigner leaves content-type unsigned by default), so
 * S3 rejects a body of any other length or type with SignatureDoesNotMatch. We keep PUT (rather
 * than a POST form with `content-length-range`) because it is what the spec and clients expect:
 * one request with the raw bytes, the same shape as the local driver. The cost: the client must
 * declare the exact size up front (it knows it: it has the file). Stores that do not verify
 * signatures strictly (s3rver, the test double, verifies no SigV4 signature at all) accept any
 * body, so the portrait confirm step re-checks size, type and magic bytes and deletes what fails:
 * that check is the enforcement we rely on, the signature is the first line.
 */
export class S3StorageDriver implements StorageDriver {
  readonly kind = 's3' as const;
  private readonly client: S3Client;

  constructor(
    private readonly config: S3Config,
    private readonly hostPublicUrl: string,
  ) {
    this.client = new S3Client({
      region: config.region,
      endpoint: config.endpoint,
      forcePathStyle: config.forcePathStyle,
      credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
      // Checksums would be hoisted into presigned URLs as the checksum of an empty body.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      maxAttempts: 2,
      requestHandler: { connectionTimeout: 2000, requestTimeout: 10_000 },
    });
  }

  async presignPut(
    key: string,
    { contentType, maxBytes, expiresInSeconds }: PresignPutOptions,
  ): Promise<PresignedUpload> {
    const command = new PutObjectCommand({
      Bucket: this.config.bucket,
      Key: key,
      ContentType: contentType,
      ContentLength: maxBytes,
    });
    const url = await getSignedUrl(this.client, command, {
      expiresIn: expiresInSeconds,
      signableHeaders: new Set(['content-type', 'content-length']),
    });
    // Browsers set Content-Length themselves from the body (it is a forbidden header for fetch).
    return {
      url,
      method: 'PUT',
      headers: { 'Content-Type': contentType },
      expiresAt: new Date(Date.now() + expiresInSeconds * 1000),
    };
  }

  async head(key: string): Promise<StoredObjectInfo | null> {
    try {
      const result = await this.client.send(new HeadObjectCommand({ Bucket: this.config.bucket, Key: key }));
      return { size: result.ContentLength ?? 0, contentType: result.ContentType ?? 'application/octet-stream' };
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  async readFirstBytes(key: string, n: number): Promise<Uint8Array | null> {
    try {
      const result = await this.client.send(
        new GetObjectCommand({ Bucket: this.config.bucket, Key: key, Range: `bytes=0-${n - 1}` }),
      );
      const bytes = (await result.Body?.transformToByteArray()) ?? new Uint8Array();
      return bytes.subarray(0, n);
    } catch (error) {
      if (isNotFound(error)) return null;
      // An empty object has no byte 0: S3 answers 416 to any range.
      if (statusOf(error) === 416) return new Uint8Array();
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.config.bucket, Key: key }));
  }

  publicUrl(key: string): string {
    return this.config.publicUrl
      ? `${this.config.publicUrl}/${key}`
      : `${this.hostPublicUrl}/v1/storage/objects/${key}`;
  }

  async ping(): Promise<void> {
    await this.client.send(new HeadBucketCommand({ Bucket: this.config.bucket }));
  }

  async open(key: string): Promise<ObjectDelivery | null> {
    const command = new GetObjectCommand({ Bucket: this.config.bucket, Key: key });
    const url = await getSignedUrl(this.client, command, { expiresIn: READ_URL_SECONDS });
    return { kind: 'redirect', url, maxAgeSeconds: READ_URL_SECONDS - 60 };
  }

  async close(): Promise<void> {
    this.client.destroy();
  }
}

function statusOf(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
}

function isNotFound(error: unknown): boolean {
  const name = (error as { name?: unknown })?.name;
  return name === 'NotFound' || name === 'NoSuchKey' || statusOf(error) === 404;
}
