import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { strToU8, zipSync } from 'fflate';

/** The folder name the download unpacks into (inside TaleSpire's `Symbiotes` folder). */
export const INSTALL_FOLDER = 'campaign-manager';
const ICONS = ['icon64.png', 'icon24.png'];

/**
 * The hosted manifest: the Symbiote's own manifest with the entry point on this host, so TaleSpire loads the
 * current build from the host on every open (new host versions and rulesets need no reinstall).
 */
export function hostedManifest(sourceDir: string, publicUrl: string): Record<string, unknown> {
  const manifest = JSON.parse(readFileSync(join(sourceDir, 'manifest.json'), 'utf8')) as Record<string, unknown>;
  return { ...manifest, entryPoint: `${publicUrl.replace(/\/$/, '')}/symbiote/` };
}

/** The one-time download: the hosted manifest and the icons, in a folder ready for TaleSpire's Symbiotes folder. */
export function installZip(sourceDir: string, manifest: Record<string, unknown>): Buffer {
  const files: Record<string, Uint8Array> = {
    [`${INSTALL_FOLDER}/manifest.json`]: strToU8(`${JSON.stringify(manifest, null, 2)}\n`),
  };
  for (const icon of ICONS) files[`${INSTALL_FOLDER}/${icon}`] = readFileSync(join(sourceDir, 'public', icon));
  // A fixed timestamp: the same host answers the same bytes (cacheable, ETag-stable).
  return Buffer.from(zipSync(files, { level: 9, mtime: new Date('2026-01-01T00:00:00Z') }));
}
