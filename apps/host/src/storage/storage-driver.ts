import type { Readable } from 'node:stream';

/** What a presigned upload allows: exactly one content type and at most `maxBytes` bytes. */
export interface PresignPutOptions {
  contentType: string;
  /** The upload may not exceed this size (the S3 driver requires exactly this many bytes, see S3StorageDriver). */
  maxBytes: number;
  expiresInSeconds: number;
}

/** A URL the client sends the object's bytes to, with the headers it must send. */
export interface PresignedUpload {
  url: string;
  method: 'PUT';
  headers: Record<string, string>;
  expiresAt: Date;
}

/** What the store knows about a stored object. */
export interface StoredObjectInfo {
  size: number;
  contentType: string;
}

/** How the host answers `GET /v1/storage/objects/<key>`: stream the bytes itself, or redirect to the store. */
export type ObjectDelivery =
  | { kind: 'stream'; stream: Readable; size: number; contentType: string }
  | { kind: 'redirect'; url: string; maxAgeSeconds: number };

/** One object store (S3-compatible or local disk); keys are validated by StorageService before they get here. */
export interface StorageDriver {
  readonly kind: 's3' | 'local';
  presignPut(key: string, options: PresignPutOptions): Promise<PresignedUpload>;
  /** Size and content type of the object, or null when there is none. */
  head(key: string): Promise<StoredObjectInfo | null>;
  /** Up to `n` bytes from the start of the object, or null when there is none. */
  readFirstBytes(key: string, n: number): Promise<Uint8Array | null>;
  /** Removes the object; removing a missing object is not an error. */
  delete(key: string): Promise<void>;
  /** The URL under which the object is readable (what a character's portraitUrl stores). */
  publicUrl(key: string): string;
  /** Throws when the store does not answer. */
  ping(): Promise<void>;
  /** How to deliver the object through the host's object route, or null when there is none. */
  open(key: string): Promise<ObjectDelivery | null>;
  close(): Promise<void>;
}
