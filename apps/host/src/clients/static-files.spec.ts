import { describe, expect, it } from '@jest/globals';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IMMUTABLE, REVALIDATE, loadStaticFiles, negotiate } from './static-files.js';

describe(loadStaticFiles.name, () => {
  it('maps a build folder to URL paths, pairs precompressed siblings and marks hashed assets immutable', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cm-static-'));
    try {
      await mkdir(join(dir, '_app', 'immutable'), { recursive: true });
      await writeFile(join(dir, 'index.html'), '<!doctype html>');
      await writeFile(join(dir, 'index.html.gz'), 'gz');
      await writeFile(join(dir, 'index.html.br'), 'br');
      await writeFile(join(dir, '_app', 'immutable', 'start.abc123.js'), 'export {}');
      await writeFile(join(dir, 'archive.gz'), 'a plain file that happens to end in .gz');
      await writeFile(join(dir, '.build-stamp'), 'hash');
      const files = loadStaticFiles(dir, ['/_app/immutable/']);
      expect([...files.keys()].sort()).toEqual(['/_app/immutable/start.abc123.js', '/archive.gz', '/index.html']);
      const index = files.get('/index.html')!;
      expect(index).toMatchObject({ contentType: 'text/html; charset=utf-8', cacheControl: REVALIDATE });
      expect(index.gzip?.toString()).toBe('gz');
      expect(index.br?.toString()).toBe('br');
      expect(files.get('/_app/immutable/start.abc123.js')).toMatchObject({
        contentType: 'text/javascript; charset=utf-8',
        cacheControl: IMMUTABLE,
      });
      expect(files.get('/archive.gz')?.contentType).toBe('application/octet-stream');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('answers an empty map for a folder that does not exist', () => {
    expect(loadStaticFiles(join(tmpdir(), 'cm-static-missing-folder'), []).size).toBe(0);
  });
});

describe(negotiate.name, () => {
  const file = {
    body: Buffer.from('plain'),
    br: Buffer.from('br'),
    gzip: Buffer.from('gz'),
    contentType: 'text/javascript',
    cacheControl: IMMUTABLE,
    etag: '"x"',
  };

  it('prefers brotli, then gzip, then the plain body', () => {
    expect(negotiate(file, 'gzip, deflate, br')).toEqual({ body: file.br, encoding: 'br' });
    expect(negotiate(file, 'gzip')).toEqual({ body: file.gzip, encoding: 'gzip' });
    expect(negotiate(file, undefined)).toEqual({ body: file.body });
    expect(negotiate({ ...file, br: undefined, gzip: undefined }, 'br, gzip')).toEqual({ body: file.body });
  });

  it('honours q=0 as a refusal', () => {
    expect(negotiate(file, 'br;q=0, gzip;q=0.5')).toEqual({ body: file.gzip, encoding: 'gzip' });
    expect(negotiate(file, 'br;q=0, gzip;q=0')).toEqual({ body: file.body });
  });
});
