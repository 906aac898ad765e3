import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { PluginManifest } from '@cm/ruleset-sdk';
import { checkManifest } from './plugin-manifest.js';

/** A plugin folder that cannot be used, with every reason and whatever of its manifest could be read. */
export class PluginLoadError extends Error {
  constructor(
    readonly errors: string[],
    readonly manifest?: Partial<PluginManifest>,
  ) {
    super(errors.join('; '));
  }
}

/** The folder names under `pluginsDir` that contain a `plugin.json` (hidden folders are ignored). */
export async function discoverPluginFolders(pluginsDir: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(pluginsDir, { withFileTypes: true });
  } catch {
    return [];
  }
  const folders: string[] = [];
  for (const entry of entries) {
    if (!entry.isDirectory() || entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    if (await isFile(join(pluginsDir, entry.name, 'plugin.json'))) folders.push(entry.name);
  }
  return folders.sort();
}

/** Reads and checks `<dir>/plugin.json`; throws PluginLoadError naming every problem. */
export async function readManifest(dir: string): Promise<PluginManifest> {
  let text: string;
  try {
    text = await readFile(join(dir, 'plugin.json'), 'utf8');
  } catch {
    throw new PluginLoadError(['plugin.json is missing or unreadable']);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new PluginLoadError([`plugin.json is not valid JSON: ${(error as Error).message}`]);
  }
  const checked = checkManifest(raw);
  if (!checked.ok) throw new PluginLoadError(checked.errors, checked.manifest);
  return checked.manifest;
}

/** Reads the plugin's sheet JSON Schema (when the manifest names one). */
export async function readSchema(dir: string, manifest: PluginManifest): Promise<object | undefined> {
  if (!manifest.schema) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(join(dir, manifest.schema), 'utf8'));
  } catch (error) {
    throw new PluginLoadError(
      [
        `${manifest.schema}: ${error instanceof SyntaxError ? `not valid JSON: ${error.message}` : 'missing or unreadable'}`,
      ],
      manifest,
    );
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new PluginLoadError([`${manifest.schema}: a JSON Schema must be an object`], manifest);
  return raw;
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
