import { describe, expect, it } from '@jest/globals';
import { sniffImageType } from './portrait-image.js';

const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);
const ascii = (text: string): number[] => [...Buffer.from(text, 'latin1')];

describe(sniffImageType.name, () => {
  it('recognises PNG, JPEG and WebP by their magic numbers', () => {
    expect(sniffImageType(bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13))).toBe('image/png');
    expect(sniffImageType(bytes(0xff, 0xd8, 0xff, 0xe0, 0, 0x10))).toBe('image/jpeg');
    expect(sniffImageType(bytes(...ascii('RIFF'), 1, 2, 3, 4, ...ascii('WEBP')))).toBe('image/webp');
  });

  it.each([
    ['text', bytes(...ascii('hello world!'))],
    ['a GIF', bytes(...ascii('GIF89a'), 1, 0, 1, 0)],
    ['a RIFF that is not WebP (WAV)', bytes(...ascii('RIFF'), 1, 2, 3, 4, ...ascii('WAVE'))],
    ['a truncated PNG signature', bytes(0x89, 0x50, 0x4e, 0x47)],
    ['nothing', bytes()],
  ])('rejects %s', (_what, input) => {
    expect(sniffImageType(input)).toBeNull();
  });
});
