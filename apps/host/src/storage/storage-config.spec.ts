import { describe, expect, it } from '@jest/globals';
import { ConfigError, parseConfig } from '../config/app-config.js';

const S3_ENV = { S3_BUCKET: 'portraits', S3_ACCESS_KEY_ID: 'key', S3_SECRET_ACCESS_KEY: 'secret' };

function problemsOf(env: Record<string, string>): string[] {
  try {
    parseConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('S3 storage configuration', () => {
  it('uses local disk when no S3 variable is set', () => {
    expect(parseConfig({}).s3).toBeUndefined();
  });

  it('uses S3 with defaults when S3_BUCKET and the key pair are set', () => {
    expect(parseConfig(S3_ENV).s3).toEqual({
      endpoint: undefined,
      region: 'us-east-1',
      bucket: 'portraits',
      accessKeyId: 'key',
      secretAccessKey: 'secret',
      forcePathStyle: false,
      publicUrl: undefined,
    });
  });

  it('defaults to path-style addressing for a custom endpoint and trims the public URL', () => {
    const s3 = parseConfig({
      ...S3_ENV,
      S3_ENDPOINT: 'http://minio:9000',
      S3_PUBLIC_URL: 'https://cdn.example.com/portraits/',
    }).s3;
    expect(s3).toMatchObject({
      endpoint: 'http://minio:9000',
      forcePathStyle: true,
      publicUrl: 'https://cdn.example.com/portraits',
    });
    expect(
      parseConfig({ ...S3_ENV, S3_ENDPOINT: 'http://minio:9000', S3_FORCE_PATH_STYLE: 'false' }).s3?.forcePathStyle,
    ).toBe(false);
  });

  it('names every missing variable of a partial configuration', () => {
    expect(problemsOf({ S3_BUCKET: 'portraits' })).toEqual([
      'S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY are required when S3_BUCKET is set',
    ]);
    expect(problemsOf({ S3_BUCKET: 'portraits', S3_ACCESS_KEY_ID: 'key' })).toEqual([
      'S3_SECRET_ACCESS_KEY is required when S3_BUCKET is set',
    ]);
    expect(problemsOf({ S3_ENDPOINT: 'http://minio:9000', S3_ACCESS_KEY_ID: 'key' })).toEqual([
      'S3_BUCKET is required when S3_ENDPOINT, S3_ACCESS_KEY_ID are set',
    ]);
  });

  it('rejects a malformed endpoint', () => {
    expect(problemsOf({ ...S3_ENV, S3_ENDPOINT: 'minio:9000' })).toEqual([
      'S3_ENDPOINT must be a URL starting with http:// or https://',
    ]);
  });
});
