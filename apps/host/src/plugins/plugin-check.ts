import { basename, dirname, resolve } from 'node:path';
import { AssetStore } from './plugin-assets.js';
import { PluginBundler } from './plugin-bundler.js';
import { PluginRegistry, type PluginStatus } from './plugin-registry.js';
import type { SandboxPort } from './plugin-runtime.js';
import { createSandbox } from './sandbox-provider.js';

/** What `npm run plugin:check` reports for one plugin folder. */
export interface PluginCheckReport {
  ok: boolean;
  status: PluginStatus | undefined;
  /** Sizes of the built UI bundle, when the plugin has one. */
  ui?: { url: string; bytes: number; gzipBytes: number };
}

/**
 * Runs exactly what the host runs at load on one plugin folder: manifest and API checks, both builds, the
 * server module in the real sandbox, and every fixture. Nothing is served.
 */
export async function checkPluginFolder(
  folder: string,
  sandbox: SandboxPort = createSandbox(),
): Promise<PluginCheckReport> {
  const dir = resolve(folder);
  const assets = new AssetStore();
  const registry = new PluginRegistry(dirname(dir), sandbox, new PluginBundler(), assets, undefined);
  await sandbox.start();
  try {
    await registry.reload(basename(dir));
    const status = registry.statusList().find((s) => s.folder === basename(dir));
    const loaded = status?.status === 'loaded' ? registry.get(status.id) : undefined;
    const ui = loaded?.ui
      ? { url: loaded.ui.url, bytes: loaded.ui.body.length, gzipBytes: loaded.ui.gzip.length }
      : undefined;
    return { ok: status?.status === 'loaded' && status.errors.length === 0, status, ui };
  } finally {
    await registry.clear();
    await sandbox.stop();
  }
}
