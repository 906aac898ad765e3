import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';

/** One built browser module, kept in memory and served at its content-hashed URL. */
export interface PluginAsset {
  /** File name under the assets route, `<name>.<hash>.js`. */
  file: string;
  /** Root-relative URL, `/v1/plugins/assets/<file>`. */
  url: string;
  hash: string;
  contentType: string;
  body: Buffer;
  /** Precompressed once, served when the client accepts gzip. */
  gzip: Buffer;
}

export const ASSETS_ROUTE = '/v1/plugins/assets';

/** A short content hash (hex) of a bundle. */
export function contentHash(content: string | Uint8Array): string {
  return createHash('sha256').update(content).digest('hex').slice(0, 16);
}

/** Creates an asset from built content; the name must not contain dots so `<name>.<hash>.js` stays parseable. */
export function createAsset(name: string, content: string | Uint8Array, hash = contentHash(content)): PluginAsset {
  const body = Buffer.from(content);
  const file = `${name}.${hash}.js`;
  return {
    file,
    url: `${ASSETS_ROUTE}/${file}`,
    hash,
    contentType: 'text/javascript; charset=utf-8',
    body,
    gzip: gzipSync(body, { level: 9 }),
  };
}

/** Every servable asset by file name. Assets are immutable: a file name always maps to the same bytes. */
export class AssetStore {
  private readonly assets = new Map<string, PluginAsset>();

  add(asset: PluginAsset): void {
    this.assets.set(asset.file, asset);
  }

  get(file: string): PluginAsset | undefined {
    return this.assets.get(file);
  }

  remove(file: string): void {
    this.assets.delete(file);
  }

  get size(): number {
    return this.assets.size;
  }
}
