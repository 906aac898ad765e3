import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { addHostile } from './support/hostile.js';
import { createTempPluginsDir } from './support/plugins.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** Runs a root script with node; resolves with its exit code and output (never rejects on a non-zero exit). */
function run(script: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(root, 'scripts', script), ...args],
      { cwd: root, timeout: 60_000 },
      (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
      },
    );
  });
}

describe('plugin author commands (plugin:new, plugin:check)', () => {
  let dir: string;
  let packed: Promise<{ packs: string; filename: string }> | undefined;

  /** Packs the SDK once (`npm pack -w @cm/ruleset-sdk`) and checks the tarball holds built JS and declarations only. */
  function packSdk(): Promise<{ packs: string; filename: string }> {
    packed ??= (async () => {
      const packs = join(dir, 'sdk-pack');
      await mkdir(packs);
      const json = execFileSync('npm', ['pack', '-w', '@cm/ruleset-sdk', '--pack-destination', packs, '--json'], {
        cwd: root,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      });
      const [{ filename, files }] = JSON.parse(json) as Array<{ filename: string; files: Array<{ path: string }> }>;
      const paths = files.map((file) => file.path);
      expect(paths).toEqual(
        expect.arrayContaining(['package.json', 'README.md', 'dist/index.js', 'dist/index.d.ts', 'dist/ui.d.ts']),
      );
      expect(paths.filter((path) => !/^dist\/[\w-]+\.(js|d\.ts)$|^(package\.json|README\.md)$/.test(path))).toEqual([]);
      return { packs, filename };
    })();
    return packed;
  }

  beforeAll(async () => {
    // plugin:check runs the built host modules; build them when this checkout has not been built yet.
    if (!existsSync(join(root, 'apps/host/dist/plugins/plugin-check.js')))
      execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'ignore' });
    dir = await mkdtemp(join(tmpdir(), 'cm-scaffold-'));
  }, 120_000);

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it.each(['ruleset', 'feature'])(
    'scaffolds a %s plugin that passes the check',
    async (kind) => {
      const id = `my-${kind}`;
      const created = await run('plugin-new.mjs', [id, '--kind', kind, '--dir', dir, '--name', `My ${kind}`]);
      expect(created).toMatchObject({ code: 0 });
      const manifest = JSON.parse(await readFile(join(dir, id, 'plugin.json'), 'utf8')) as Record<string, unknown>;
      expect(manifest).toMatchObject({ id, name: `My ${kind}`, kind, version: '0.1.0', hostApi: '^1.1.0' });
      const checked = await run('plugin-check.mjs', [join(dir, id)]);
      expect(checked.stdout).toContain(`✓ ${id} 0.1.0 (${kind})`);
      expect(checked.stdout).toMatch(/UI bundle: \d+ bytes/);
      if (kind === 'ruleset') expect(checked.stdout).toContain('fixtures: 3 passed, 0 failed');
      expect(checked.code).toBe(0);
    },
    30_000,
  );

  it('refuses a bad id and an existing folder', async () => {
    const bad = await run('plugin-new.mjs', ['Bad_Id', '--dir', dir]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/not a plugin id/);
    await run('plugin-new.mjs', ['twice', '--dir', dir]);
    const again = await run('plugin-new.mjs', ['twice', '--dir', dir]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already exists/);
  }, 30_000);

  it('exits 1 and says what is wrong with a broken plugin', async () => {
    await run('plugin-new.mjs', ['broken', '--dir', dir]);
    const server = join(dir, 'broken', 'src', 'ruleset.ts');
    await writeFile(server, `${await readFile(server, 'utf8')}\nexport const oops = ;\n`);
    const syntax = await run('plugin-check.mjs', [join(dir, 'broken')]);
    expect(syntax.code).toBe(1);
    expect(syntax.stdout).toMatch(/✗ server build failed: .*src\/ruleset\.ts:\d+:\d+/);

    await run('plugin-new.mjs', ['unfit', '--dir', dir]);
    await writeFile(
      join(dir, 'unfit', 'fixtures', 'valid', 'default.json'),
      JSON.stringify({ name: 'X', hp: { current: 50, max: 10 }, bonus: 0 }),
    );
    const manifestPath = join(dir, 'unfit', 'plugin.json');
    const fixtures = await run('plugin-check.mjs', [join(dir, 'unfit')]);
    expect(fixtures.code).toBe(1);
    expect(fixtures.stdout).toContain('fixtures: 2 passed, 1 failed');
    expect(fixtures.stdout).toMatch(
      /fixture valid\/default\.json: expected no errors, got hp\.current: must be at most hp\.max/,
    );

    await writeFile(manifestPath, (await readFile(manifestPath, 'utf8')).replace('"^1.1.0"', '"^2.0.0"'));
    const incompatible = await run('plugin-check.mjs', [join(dir, 'unfit')]);
    expect(incompatible.code).toBe(1);
    expect(incompatible.stdout).toContain('needs host API ^2.0.0, this host provides 1.1.0');

    const missing = await run('plugin-check.mjs', [join(dir, 'nothing-here')]);
    expect(missing.code).toBe(1);
    expect(missing.stdout).toContain('no plugin.json found');
  }, 60_000);

  it('fails a plugin whose answers depend on earlier calls (fixtures asked again in other orders)', async () => {
    const plugins = await createTempPluginsDir();
    try {
      const id = await addHostile(plugins, 'stateful');
      const checked = await run('plugin-check.mjs', [join(plugins.dir, id)]);
      expect(checked.code).toBe(1);
      expect(checked.stdout).toMatch(/fixture invalid\/[\w-]+\.json: answers depend on earlier calls/);
    } finally {
      await plugins.remove();
    }
  }, 60_000);

  it.each(['ruleset', 'feature'])(
    'lets an author outside the repository type-check a %s against the packed SDK, run its tests and the check',
    async (kind) => {
      const { packs, filename } = await packSdk();
      const id = `far-${kind}`;
      const created = await run('plugin-new.mjs', [id, '--kind', kind, '--dir', dir]);
      expect(created.stdout).toContain('Working outside this repository');
      const plugin = join(dir, id);
      for (const file of ['package.json', 'tsconfig.json', `test/${kind}.test.ts`])
        expect(existsSync(join(plugin, file))).toBe(true);
      // What `npm install -D <tarball> typescript svelte @types/node` leaves: the SDK unpacked from the tarball,
      // svelte and @types/node as installed packages (linked from this checkout's, the machine has no registry).
      const sdk = join(plugin, 'node_modules', '@cm', 'ruleset-sdk');
      await mkdir(sdk, { recursive: true });
      execFileSync('tar', ['-xzf', join(packs, filename), '-C', sdk, '--strip-components=1']);
      await mkdir(join(plugin, 'node_modules', '@types'), { recursive: true });
      await symlink(join(root, 'node_modules', 'svelte'), join(plugin, 'node_modules', 'svelte'), 'dir');
      await symlink(
        join(root, 'node_modules', '@types', 'node'),
        join(plugin, 'node_modules', '@types', 'node'),
        'dir',
      );
      const tsc = (): { status: number | null; output: string } => {
        const result = spawnSync(
          process.execPath,
          [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'],
          {
            cwd: plugin,
            encoding: 'utf8',
          },
        );
        return { status: result.status, output: result.stdout + result.stderr };
      };
      expect(tsc()).toEqual({ status: 0, output: '' });

      const tests = spawnSync(process.execPath, ['--test', `test/${kind}.test.ts`], { cwd: plugin, encoding: 'utf8' });
      expect(tests.stdout).toMatch(/# fail 0/);
      expect(tests.status).toBe(0);

      const checked = await run('plugin-check.mjs', [plugin]);
      expect(checked.stdout).toContain(`✓ ${id} 0.1.0 (${kind})`);
      expect(checked.code).toBe(0);

      // The types come from the packed SDK: a result the contract does not know is a type error.
      const source = join(plugin, 'src', kind === 'ruleset' ? 'ruleset.ts' : 'feature.ts');
      const text = await readFile(source, 'utf8');
      await writeFile(
        source,
        kind === 'ruleset'
          ? text.replace("result: 'tie'", "result: 'draw'")
          : text.replace("refuse('forbidden'", "refuse('nope'"),
      );
      const broken = tsc();
      expect(broken.status).not.toBe(0);
      expect(broken.output).toMatch(kind === 'ruleset' ? /'"draw"'/ : /'"nope"'/);
    },
    180_000,
  );
});
