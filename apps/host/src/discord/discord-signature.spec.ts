import { describe, expect, it } from '@jest/globals';
import { generateKeyPairSync, sign } from 'node:crypto';
import { importDiscordPublicKey, isValidDiscordRequest } from './discord-signature.js';

const { publicKey, privateKey } = generateKeyPairSync('ed25519');
const publicHex = publicKey.export({ format: 'der', type: 'spki' }).subarray(12).toString('hex');
const key = importDiscordPublicKey(publicHex);
const now = 1_764_600_000_000;
const timestamp = String(now / 1000);
const body = Buffer.from('{"type":1}');
const signature = sign(null, Buffer.concat([Buffer.from(timestamp), body]), privateKey).toString('hex');

describe(isValidDiscordRequest.name, () => {
  it('accepts a request signed over timestamp + raw body', () => {
    expect(isValidDiscordRequest(key, { signature, timestamp, rawBody: body }, 300, now)).toBe(true);
  });

  it('refuses a tampered body, a signature of other bytes, and malformed signatures', () => {
    expect(isValidDiscordRequest(key, { signature, timestamp, rawBody: Buffer.from('{"type":2}') }, 300, now)).toBe(
      false,
    );
    expect(isValidDiscordRequest(key, { signature, timestamp: String(now / 1000 + 1), rawBody: body }, 300, now)).toBe(
      false,
    );
    expect(isValidDiscordRequest(key, { signature: signature.slice(2), timestamp, rawBody: body }, 300, now)).toBe(
      false,
    );
    expect(
      isValidDiscordRequest(key, { signature: `zz${signature.slice(2)}`, timestamp, rawBody: body }, 300, now),
    ).toBe(false);
  });

  it('refuses missing parts and a timestamp outside the skew window', () => {
    expect(isValidDiscordRequest(key, { signature: undefined, timestamp, rawBody: body }, 300, now)).toBe(false);
    expect(isValidDiscordRequest(key, { signature, timestamp: undefined, rawBody: body }, 300, now)).toBe(false);
    expect(isValidDiscordRequest(key, { signature, timestamp, rawBody: undefined }, 300, now)).toBe(false);
    expect(isValidDiscordRequest(key, { signature, timestamp, rawBody: body }, 300, now + 301_000)).toBe(false);
  });

  it('refuses a key that is not 64 hex characters', () => {
    expect(() => importDiscordPublicKey('abc')).toThrow('64 hex');
  });
});
