import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

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
      expect(manifest).toMatchObject({ id, name: `My ${kind}`, kind, version: '0.1.0', hostApi: '^1.0.0' });
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

    await writeFile(manifestPath, (await readFile(manifestPath, 'utf8')).replace('"^1.0.0"', '"^2.0.0"'));
    const incompatible = await run('plugin-check.mjs', [join(dir, 'unfit')]);
    expect(incompatible.code).toBe(1);
    expect(incompatible.stdout).toContain('needs host API ^2.0.0, this host provides 1.1.0');

    const missing = await run('plugin-check.mjs', [join(dir, 'nothing-here')]);
    expect(missing.code).toBe(1);
    expect(missing.stdout).toContain('no plugin.json found');
  }, 60_000);
});
