import type { StorageService } from '../storage/storage.service.js';

/** The image types a portrait may have, with the key extension each is stored under. */
export const PORTRAIT_CONTENT_TYPES = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/webp': 'webp' } as const;

export type PortraitContentType = keyof typeof PORTRAIT_CONTENT_TYPES;

/** 2 MiB: the largest portrait accepted. */
export const PORTRAIT_MAX_BYTES = 2 * 1024 * 1024;

/** Bytes needed to recognise every accepted type (WebP: "RIFF" size "WEBP"). */
export const IMAGE_SIGNATURE_BYTES = 12;

/** The image type the bytes really are (by magic number), or null when they are none of the accepted ones. */
export function sniffImageType(bytes: Uint8Array): PortraitContentType | null {
  const starts = (signature: number[], offset = 0): boolean =>
    bytes.length >= offset + signature.length && signature.every((byte, index) => bytes[offset + index] === byte);
  if (starts([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (starts([0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (starts([0x52, 0x49, 0x46, 0x46]) && starts([0x57, 0x45, 0x42, 0x50], 8)) return 'image/webp';
  return null;
}

/**
 * Checks an uploaded object before it becomes a portrait: it exists, is 1..2 MiB, was stored
 * with an accepted content type, and its first bytes are that image type. Returns why it fails,
 * or null when it passes. This is what enforces the limits whatever the store let through.
 */
export async function checkPortraitObject(storage: StorageService, key: string): Promise<string | null> {
  const info = await storage.head(key);
  if (!info) return 'No uploaded object was found for this key';
  if (info.size < 1 || info.size > PORTRAIT_MAX_BYTES)
    return `The portrait must be between 1 and ${PORTRAIT_MAX_BYTES} bytes (got ${info.size})`;
  const declared = info.contentType.split(';')[0].trim().toLowerCase();
  if (!(declared in PORTRAIT_CONTENT_TYPES)) return `The portrait must be PNG, JPEG or WebP (stored as ${declared})`;
  const actual = sniffImageType((await storage.readFirstBytes(key, IMAGE_SIGNATURE_BYTES)) ?? new Uint8Array());
  if (actual !== declared) return `The uploaded bytes are not a ${declared} image`;
  return null;
}
