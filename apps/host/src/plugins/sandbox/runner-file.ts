import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

let bundled: Promise<string> | undefined;

/**
 * The sandbox runtime as one self-contained ES module. It is bundled from `runtime/runner.ts` (under Jest,
 * which runs the sources) or `runtime/runner.js` (in dist, compiled by tsc), so both run identical code, and
 * a single file is all the child process needs permission to read.
 */
function bundleRunner(): Promise<string> {
  bundled ??= (async () => {
    const self = fileURLToPath(import.meta.url);
    const entry = path.join(path.dirname(self), 'runtime', `runner${path.extname(self)}`);
    const result = await build({
      entryPoints: [entry],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      write: false,
      logLevel: 'silent',
      legalComments: 'none',
    });
    return result.outputFiles[0].text;
  })();
  bundled.catch(() => (bundled = undefined));
  return bundled;
}

/** A private copy of the runner in a fresh temp directory; `dispose` deletes it. */
export async function writeRunnerFile(): Promise<{ file: string; dispose(): Promise<void> }> {
  const source = await bundleRunner();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cm-plugin-sandbox-'));
  const hash = createHash('sha256').update(source).digest('hex').slice(0, 12);
  const file = path.join(dir, `runner-${hash}.mjs`);
  await writeFile(file, source, { mode: 0o400 });
  return { file, dispose: () => rm(dir, { recursive: true, force: true }) };
}
