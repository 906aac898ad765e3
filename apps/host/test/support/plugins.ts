import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The template plugins the tests copy (apps/host/test/fixtures/plugins/<name>). */
export const TEST_PLUGINS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'plugins');
/** The repository's bundled plugins (plugins/). */
export const REPO_PLUGINS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'plugins');

/** A temporary plugins folder; `remove()` deletes it. */
export interface TempPluginsDir {
  dir: string;
  /** Copies a template plugin into `<dir>/<folder>`, then lets `edit` change files (paths relative to the copy). */
  add(template: string, folder?: string, edit?: Record<string, (text: string) => string>): Promise<string>;
  /** Rewrites one file of a plugin folder. */
  edit(folder: string, file: string, change: (text: string) => string): Promise<void>;
  remove(): Promise<void>;
}

export async function createTempPluginsDir(from = TEST_PLUGINS_DIR): Promise<TempPluginsDir> {
  const dir = await mkdtemp(join(tmpdir(), 'cm-plugins-'));
  const edit = async (folder: string, file: string, change: (text: string) => string): Promise<void> => {
    const path = join(dir, folder, file);
    await writeFile(path, change(await readFile(path, 'utf8')));
  };
  return {
    dir,
    edit,
    async add(template, folder = template, edits = {}) {
      await cp(join(from, template), join(dir, folder), { recursive: true });
      for (const [file, change] of Object.entries(edits)) await edit(folder, file, change);
      return join(dir, folder);
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

/** Edits `plugin.json` as JSON. */
export function manifestEdit(change: (manifest: Record<string, unknown>) => void): (text: string) => string {
  return (text) => {
    const manifest = JSON.parse(text) as Record<string, unknown>;
    change(manifest);
    return JSON.stringify(manifest, null, 2);
  };
}

/** Polls `probe` until it returns a truthy value or the time runs out; returns the last value and the time taken. */
export async function pollUntil<T>(
  probe: () => Promise<T>,
  timeoutMs = 3000,
  intervalMs = 25,
): Promise<{ value: T; ms: number }> {
  const started = Date.now();
  let value = await probe();
  while (!value && Date.now() - started < timeoutMs) {
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
    value = await probe();
  }
  return { value, ms: Date.now() - started };
}
