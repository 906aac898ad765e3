import { readFileSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { manifestEdit, type TempPluginsDir } from './plugins.js';

/** The hostile plugin fixtures (apps/host/test/fixtures/hostile, see its README). */
export const HOSTILE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'hostile');

export type HostileKind =
  'loop' | 'arrays' | 'buffers' | 'load-loop' | 'huge-result' | 'stateful' | 'stateful-feature' | 'ui-throws';

/** Two action fixtures for `stateful-feature` (the `counter` template has none). */
const COUNTER_FIXTURES = {
  'fixtures/actions/first.json': { action: 'increment', context: context({}), expectedState: { count: 1 } },
  'fixtures/actions/second.json': { action: 'increment', context: context({ count: 4 }), expectedState: { count: 5 } },
};

function context(state: Record<string, number>): Record<string, unknown> {
  return { groupId: 'g', userId: 'u', isDm: true, state, characters: [], entropy: [] };
}

/**
 * Adds a copy of the `basic` test plugin as `hostile-<kind>` whose server module (or, for `ui-throws`, UI) is
 * the hostile fixture's. Returns the plugin id.
 */
export async function addHostile(plugins: TempPluginsDir, kind: HostileKind): Promise<string> {
  const id = `hostile-${kind}`;
  if (kind === 'stateful-feature') {
    const folder = await plugins.add('counter', id, {
      'plugin.json': manifestEdit((manifest) => (manifest.id = id)),
      'src/feature.ts': () => readFileSync(join(HOSTILE_DIR, 'stateful-feature.ts'), 'utf8'),
    });
    await mkdir(join(folder, 'fixtures', 'actions'), { recursive: true });
    for (const [file, fixture] of Object.entries(COUNTER_FIXTURES))
      await writeFile(join(folder, file), JSON.stringify(fixture));
    return id;
  }
  const replaced =
    kind === 'ui-throws'
      ? { file: 'src/ui/index.ts', source: join(HOSTILE_DIR, 'ui-throws', 'index.ts') }
      : { file: 'src/ruleset.ts', source: join(HOSTILE_DIR, `${kind}.ts`) };
  const code = await readFile(replaced.source, 'utf8');
  const folder = await plugins.add('basic', id, { 'plugin.json': manifestEdit((manifest) => (manifest.id = id)) });
  // A hostile ruleset wraps the copy's own ruleset, which it imports as ./basic.js.
  if (kind !== 'ui-throws') await rename(join(folder, 'src', 'ruleset.ts'), join(folder, 'src', 'basic.ts'));
  await writeFile(join(folder, replaced.file), code);
  return id;
}
