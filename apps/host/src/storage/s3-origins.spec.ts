import { describe, expect, it } from '@jest/globals';
import type { S3Config } from '../config/app-config.js';
import { s3BrowserOrigins } from './s3-origins.js';

const base: S3Config = {
  endpoint: undefined,
  region: 'eu-central-1',
  bucket: 'portraits',
  accessKeyId: 'key',
  secretAccessKey: 'secret',
  forcePathStyle: false,
  publicUrl: undefined,
};

describe(s3BrowserOrigins.name, () => {
  it('lists nothing without S3 (the host stores the portraits itself)', () => {
    expect(s3BrowserOrigins(undefined)).toEqual([]);
  });

  it("lists the region's endpoint and the bucket's virtual host on AWS", () => {
    expect(s3BrowserOrigins(base)).toEqual([
      'https://s3.eu-central-1.amazonaws.com',
      'https://portraits.s3.eu-central-1.amazonaws.com',
    ]);
  });

  it('lists only the endpoint origin for path-style buckets, with its scheme and port', () => {
    const config = { ...base, endpoint: 'http://127.0.0.1:9000/', forcePathStyle: true };
    expect(s3BrowserOrigins(config)).toEqual(['http://127.0.0.1:9000']);
  });

  it('adds the public URL of the objects once', () => {
    const config = { ...base, endpoint: 'https://minio.example:9000', publicUrl: 'https://cdn.example/portraits' };
    expect(s3BrowserOrigins(config)).toEqual([
      'https://minio.example:9000',
      'https://portraits.minio.example:9000',
      'https://cdn.example',
    ]);
  });
});
