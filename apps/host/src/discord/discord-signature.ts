import { createPublicKey, verify, type KeyObject } from 'node:crypto';

/** DER SubjectPublicKeyInfo header of an Ed25519 key (OID 1.3.101.112); the raw 32 bytes follow it. */
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** Imports the portal's "Public Key" (64 hex characters of the raw Ed25519 key). */
export function importDiscordPublicKey(hex: string): KeyObject {
  if (!/^[0-9a-f]{64}$/i.test(hex)) throw new Error('A Discord public key is 64 hex characters');
  return createPublicKey({
    key: Buffer.concat([ED25519_SPKI_PREFIX, Buffer.from(hex, 'hex')]),
    format: 'der',
    type: 'spki',
  });
}

export interface SignedRequest {
  signature: string | undefined;
  timestamp: string | undefined;
  rawBody: Buffer | undefined;
}

/**
 * Whether Discord signed `timestamp + raw body` with the application's key, and the timestamp (Unix seconds)
 * lies within `skewSeconds` of `nowMs` (an old, replayed request fails even with a good signature).
 */
export function isValidDiscordRequest(
  key: KeyObject,
  request: SignedRequest,
  skewSeconds: number,
  nowMs = Date.now(),
): boolean {
  const { signature, timestamp, rawBody } = request;
  // Buffer.from(hex) stops silently at the first non-hex character: check the shape first.
  if (!signature || !timestamp || !rawBody || !/^[0-9a-f]{128}$/i.test(signature)) return false;
  if (!/^\d{1,12}$/.test(timestamp) || Math.abs(nowMs / 1000 - Number(timestamp)) > skewSeconds) return false;
  try {
    return verify(null, Buffer.concat([Buffer.from(timestamp, 'utf8'), rawBody]), key, Buffer.from(signature, 'hex'));
  } catch {
    return false;
  }
}
