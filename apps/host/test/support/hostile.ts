import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { manifestEdit, type TempPluginsDir } from './plugins.js';

/** The hostile plugin fixtures (apps/host/test/fixtures/hostile, see its README). */
export const HOSTILE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'hostile');

export type HostileKind = 'loop' | 'arrays' | 'buffers' | 'load-loop' | 'huge-result' | 'stateful' | 'ui-throws';

/**
 * Adds a copy of the `basic` test plugin as `hostile-<kind>` whose server module (or, for `ui-throws`, UI) is
 * the hostile fixture's. Returns the plugin id.
 */
export async function addHostile(plugins: TempPluginsDir, kind: HostileKind): Promise<string> {
  const id = `hostile-${kind}`;
  const replaced =
    kind === 'ui-throws'
      ? { file: 'src/ui/index.ts', source: join(HOSTILE_DIR, 'ui-throws', 'index.ts') }
      : { file: 'src/ruleset.ts', source: join(HOSTILE_DIR, `${kind}.ts`) };
  const code = await readFile(replaced.source, 'utf8');
  await plugins.add('basic', id, {
    'plugin.json': manifestEdit((manifest) => (manifest.id = id)),
    [replaced.file]: () => code,
  });
  return id;
}
