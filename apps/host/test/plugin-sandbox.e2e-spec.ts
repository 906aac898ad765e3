import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { build } from 'esbuild';
import { PluginCallError, type PluginCallFailure, PluginSandbox } from '../src/plugins/sandbox/plugin-sandbox.js';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const TIMEOUT_MS = 250;
const SECRET = `host-secret-${Math.random().toString(36).slice(2)}`;

/** A plugin written like a real one (TypeScript, @cm/ruleset-sdk, @cm/dice) and bundled as the host does. */
async function bundleGoodRuleset(): Promise<string> {
  const result = await build({
    stdin: {
      loader: 'ts',
      resolveDir: ROOT,
      contents: `
        import { defineRuleset } from '@cm/ruleset-sdk';
        import { parseNotation } from '@cm/dice';
        export default defineRuleset({
          defaultSheet: () => ({ version: '1.1.0', name: '', hp: 10 }),
          validate: (sheet) => (typeof sheet.name === 'string' && sheet.name.length > 0 ? [] : [{ path: 'name', message: 'required' }]),
          getStatBlocks: (sheet) => [{ id: 'core', label: 'Core', stats: [{ id: 'hp', label: 'HP', value: sheet.hp }] }],
          getDiceActions: () => [{ id: 'd20', label: 'Check', diceString: '1d20', category: 'attribute' }],
          resolveRoll: (_sheet, _id, faces) => ({ result: 'neutral', label: String(faces[0]), total: faces[0] }),
          getResources: () => [],
          getName: (sheet) => (sheet.name ? sheet.name : undefined),
          migrations: [{ from: '1.0.0', to: '1.1.0', migrate: (sheet) => ({ ...sheet, version: '1.1.0', hp: sheet.hp ?? 10 }) }],
          importers: [{ id: 'plain', label: 'Plain JSON', accepts: (data) => typeof data === 'object' && data !== null && 'plainName' in data, import: (data) => ({ name: data.plainName, sheet: { version: '1.1.0', name: data.plainName, hp: 10 } }) }],
          // Exercise the bundled dice library (and its module-level initialisation) inside the sandbox.
          countDice: (notation) => parseNotation(notation).groups.length,
          log: (text) => { console.log('hello', text, { n: 1 }); return true; },
        });
      `,
    },
    bundle: true,
    format: 'cjs',
    platform: 'neutral',
    tsconfig: path.join(ROOT, 'tsconfig.json'),
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0].text;
}

/** A hand-written CommonJS plugin whose `probe` method runs `body`. */
function plugin(body: string, topLevel = ''): string {
  return `${topLevel}\nmodule.exports = { default: { probe(input) { ${body} } } };`;
}

async function failure(promise: Promise<unknown>, expected: PluginCallFailure): Promise<PluginCallError> {
  const error = await promise.then(
    (value) => {
      throw new Error(`expected a ${expected} failure, got ${JSON.stringify(value)}`);
    },
    (error: unknown) => error,
  );
  expect(error).toBeInstanceOf(PluginCallError);
  expect({ failure: (error as PluginCallError).failure, message: (error as PluginCallError).message }).toEqual({
    failure: expected,
    message: expect.any(String),
  });
  expect((error as PluginCallError).message).not.toContain(SECRET);
  return error as PluginCallError;
}

describe(PluginSandbox.name, () => {
  const sandbox = new PluginSandbox({ timeoutMs: TIMEOUT_MS, memoryMb: 64, workers: 2 });
  const previousSecret = process.env.JWT_SECRET;
  let goodCode: string;
  let n = 0;
  /** Loads a hostile plugin under a fresh id. */
  const loadHostile = async (code: string): Promise<string> => {
    const id = `hostile-${++n}`;
    await sandbox.load(id, code);
    return id;
  };
  const expectGoodAnswers = async (): Promise<void> => {
    await expect(sandbox.call('good', 'validate', [{ name: 'Alrik' }])).resolves.toEqual([]);
  };

  beforeAll(async () => {
    process.env.JWT_SECRET = SECRET;
    goodCode = await bundleGoodRuleset();
    await sandbox.start();
    await sandbox.load('good', goodCode);
  });

  afterAll(async () => {
    await sandbox.stop();
    if (previousSecret === undefined) delete process.env.JWT_SECRET;
    else process.env.JWT_SECRET = previousSecret;
  });

  describe('a well-behaved plugin', () => {
    it('describes its definition at load', async () => {
      const description = await sandbox.load('good-described', goodCode);
      expect(description).toEqual({
        methods: expect.arrayContaining([
          'defaultSheet',
          'validate',
          'getStatBlocks',
          'getDiceActions',
          'resolveRoll',
          'getResources',
          'getName',
          'countDice',
        ]),
        migrations: [{ from: '1.0.0', to: '1.1.0' }],
        importers: [{ id: 'plain', label: 'Plain JSON' }],
        actions: [],
        hasGroupEventHandler: false,
      });
      expect(description.methods).not.toContain('migrations');
    });

    it('answers calls with JSON values, including undefined', async () => {
      await expect(sandbox.call('good', 'defaultSheet', [])).resolves.toEqual({ version: '1.1.0', name: '', hp: 10 });
      await expect(sandbox.call('good', 'validate', [{ name: '' }])).resolves.toEqual([
        { path: 'name', message: 'required' },
      ]);
      await expect(sandbox.call('good', 'getStatBlocks', [{ hp: 7 }])).resolves.toEqual([
        { id: 'core', label: 'Core', stats: [{ id: 'hp', label: 'HP', value: 7 }] },
      ]);
      await expect(sandbox.call('good', 'getName', [{ name: '' }])).resolves.toBeUndefined();
      await expect(sandbox.call('good', 'countDice', ['1d20+5/2d6'])).resolves.toBe(2);
      await expect(sandbox.call('good', 'log', ['from the plugin'])).resolves.toBe(true);
    });

    it('calls migrations and importers by dotted path', async () => {
      await expect(sandbox.call('good', 'migrations.0.migrate', [{ version: '1.0.0', name: 'Old' }])).resolves.toEqual({
        version: '1.1.0',
        name: 'Old',
        hp: 10,
      });
      await expect(sandbox.call('good', 'importers.0.accepts', [{ plainName: 'Imported' }])).resolves.toBe(true);
      await expect(sandbox.call('good', 'importers.0.import', [{ plainName: 'Imported' }])).resolves.toEqual({
        name: 'Imported',
        sheet: { version: '1.1.0', name: 'Imported', hp: 10 },
      });
    });

    it('describes and calls a feature plugin', async () => {
      const code = `module.exports = { actions: { start: (input, ctx) => ({ state: { round: 1 }, reply: { by: ctx.userId, input } }) }, onGroupEvent: () => ({}) };`;
      await expect(sandbox.load('feature', code)).resolves.toEqual({
        methods: ['onGroupEvent'],
        migrations: [],
        importers: [],
        actions: ['start'],
        hasGroupEventHandler: true,
      });
      await expect(sandbox.call('feature', 'actions.start', [{ x: 1 }, { userId: 'u1' }])).resolves.toEqual({
        state: { round: 1 },
        reply: { by: 'u1', input: { x: 1 } },
      });
    });

    it('fails unknown plugins, unknown methods and prototype paths cleanly', async () => {
      await failure(sandbox.call('nobody', 'validate', [{}]), 'not_loaded');
      expect((await failure(sandbox.call('good', 'nothing', []), 'threw')).message).toContain('no method "nothing"');
      await failure(sandbox.call('good', 'validate.constructor', []), 'threw');
      await failure(sandbox.call('good', 'migrations.0.__proto__.constructor', []), 'threw');
    });

    it('unloads a plugin', async () => {
      await sandbox.load('temporary', plugin('return 1;'));
      await expect(sandbox.call('temporary', 'probe', [])).resolves.toBe(1);
      await sandbox.unload('temporary');
      await failure(sandbox.call('temporary', 'probe', []), 'not_loaded');
    });
  });

  describe('confinement of the sandbox process', () => {
    it('runs under the permission model with an empty environment and no fetch', async () => {
      await expect(sandbox.selfCheck()).resolves.toEqual({
        permissionModel: true,
        fsReadDenied: true,
        fsWriteDenied: true,
        childProcessDenied: true,
        envKeys: 0,
        fetchAvailable: false,
      });
    });

    it('runs under a data-memory ceiling for the whole process (RLIMIT_DATA, 2048 MB by default)', () => {
      const limits = readFileSync(`/proc/${sandbox.processId}/limits`, 'utf8');
      const line = limits.split('\n').find((l) => l.startsWith('Max data size'));
      expect(line?.split(/\s{2,}/).slice(1, 3)).toEqual([String(2048 * 1024 * 1024), String(2048 * 1024 * 1024)]);
    });
  });

  describe('hostile and broken plugins', () => {
    it('reports a throwing call as threw, with its message', async () => {
      const id = await loadHostile(plugin(`throw new TypeError('boom ' + input);`));
      const error = await failure(sandbox.call(id, 'probe', ['now']), 'threw');
      expect(error.message).toContain('TypeError: boom now');
      expect(error).toMatchObject({ pluginId: id, method: 'probe' });
      await expectGoodAnswers();
    });

    it('rejects a load whose bundle throws, keeping the sandbox usable', async () => {
      const error = await failure(sandbox.load('broken-load', `throw new Error('cannot start');`), 'threw');
      expect(error.message).toContain('cannot start');
      await failure(sandbox.call('broken-load', 'probe', []), 'not_loaded');
      await failure(sandbox.load('syntax-error', `module.exports = {`), 'threw');
    });

    it('times out an endless call without blocking the host, and serves others meanwhile', async () => {
      const id = await loadHostile(plugin('while (true) {}'));
      const ticks: number[] = [];
      const interval = setInterval(() => ticks.push(Date.now()), 20);
      const started = Date.now();
      let goodDoneAt = 0;
      const hostile = failure(sandbox.call(id, 'probe', []), 'timeout').then((error) => ({ error, at: Date.now() }));
      const good = sandbox
        .call('good', 'validate', [{ name: 'Concurrent' }])
        .then((result) => ((goodDoneAt = Date.now()), result));
      const [{ error, at }, goodResult] = await Promise.all([hostile, good]);
      clearInterval(interval);
      expect(goodResult).toEqual([]);
      expect(goodDoneAt).toBeLessThan(at);
      expect(at - started).toBeGreaterThanOrEqual(TIMEOUT_MS - 10);
      expect(at - started).toBeLessThan(TIMEOUT_MS + 1500);
      expect(error.message).toContain(`${TIMEOUT_MS} ms`);
      const gaps = ticks.slice(1).map((tick, i) => tick - ticks[i]);
      // Had the loop run on the host's thread, one gap would span the whole timeout; a busy machine only
      // stretches the 20 ms ticks.
      expect(ticks.length).toBeGreaterThanOrEqual(2);
      expect(Math.max(...gaps)).toBeLessThan(TIMEOUT_MS);
      await expectGoodAnswers();
    });

    it('times out an endless loop queued as a microtask', async () => {
      const id = await loadHostile(plugin('Promise.resolve().then(() => { while (true) {} }); return 1;'));
      await failure(sandbox.call(id, 'probe', []), 'timeout');
      await expectGoodAnswers();
    });

    it('rejects a load whose top level never ends, and stays usable', async () => {
      const started = Date.now();
      await failure(sandbox.load('endless-load', plugin('return 1;', 'while (true) {}')), 'timeout');
      expect(Date.now() - started).toBeLessThan(2000 + 1500);
      await failure(sandbox.call('endless-load', 'probe', []), 'not_loaded');
      await expectGoodAnswers();
    });

    it('stops a memory bomb by time or memory, and recovers with every plugin', async () => {
      const id = await loadHostile(
        plugin(`const hoard = []; for (let i = 0; ; i++) hoard.push('x'.repeat(1000) + i);`),
      );
      const error = await sandbox.call(id, 'probe', []).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(PluginCallError);
      expect(['timeout', 'out_of_memory']).toContain((error as PluginCallError).failure);
      // Both workers answer again (the good plugin is re-loaded into a replacement worker).
      await Promise.all(Array.from({ length: 8 }, () => expectGoodAnswers()));
    });

    it('reports out_of_memory when a worker exhausts its heap, and recovers', async () => {
      // Near its limit V8 can thrash its GC for seconds before giving up (longer on a busy machine), so the call
      // gets plenty of time: the heap limit, not the clock, must stop it. V8 usually kills only the worker
      // (out_of_memory); some allocation patterns abort the whole sandbox process (crashed): both recover.
      const roomy = new PluginSandbox({ timeoutMs: 20_000, memoryMb: 32, workers: 1 });
      await roomy.start();
      try {
        await roomy.load('good', goodCode);
        await roomy.load(
          'bomb',
          plugin(`const hoard = []; for (let i = 0; ; i++) hoard.push(new Array(1e6).fill('x' + i));`),
        );
        const bomb = roomy.call<never>('bomb', 'probe', []).catch((caught: PluginCallError) => caught);
        const queuedBehind = roomy
          .call('good', 'validate', [{ name: 'queued behind the bomb' }])
          .catch((caught: PluginCallError) => caught);
        const error = await bomb;
        expect(error).toBeInstanceOf(PluginCallError);
        expect(error).toMatchObject({ pluginId: 'bomb', failure: expect.stringMatching(/^(out_of_memory|crashed)$/) });
        expect(error.message).toMatch(/memory limit of 32 MB|process exited/);
        // A call queued behind the bomb on the same worker is re-run on the replacement (or, if the process
        // died, fails as crashed); either way the next call is answered.
        const behind = await queuedBehind;
        if (error.failure === 'out_of_memory') expect(behind).toEqual([]);
        await expect(roomy.call('good', 'validate', [{ name: 'after' }])).resolves.toEqual([]);
      } finally {
        await roomy.stop();
      }
    }, 60_000);

    it('gives no access to process or the environment', async () => {
      const probes = [
        'return typeof process + typeof globalThis.require + typeof globalThis.module + typeof globalThis.process + typeof Buffer + typeof setTimeout;',
        'return process.env.JWT_SECRET;',
        'return globalThis.process.env.JWT_SECRET;',
        'return this.constructor.constructor("return process")().env.JWT_SECRET;',
        'return Object.getPrototypeOf(function () {}).constructor("return process")().env;',
        'return (async function () {}).constructor("return process")();',
        `Error.prepareStackTrace = (_e, frames) => frames.map((f) => { try { const t = f.getThis(); return t && t.process ? 'LEAK ' + JSON.stringify(t.process.env) : typeof t; } catch (e) { return 'x'; } }).join(',');
         return String(new Error('probe').stack);`,
        'return JSON.stringify(Object.getOwnPropertyNames(globalThis).filter((k) => /^(process|require|module|fetch|Buffer|WebAssembly|SharedArrayBuffer|Atomics|setTimeout|queueMicrotask)$/.test(k)));',
      ];
      const outcomes: unknown[] = [];
      for (const body of probes) {
        const id = await loadHostile(plugin(body));
        outcomes.push(
          await sandbox
            .call(id, 'probe', [])
            .catch((error: PluginCallError) => ({ failure: error.failure, message: error.message })),
        );
      }
      const text = JSON.stringify(outcomes);
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain('LEAK');
      expect(outcomes[0]).toBe('undefinedundefinedundefinedundefinedundefinedundefined');
      expect(outcomes[1]).toMatchObject({
        failure: 'threw',
        message: expect.stringContaining('process is not defined'),
      });
      expect(outcomes[3]).toMatchObject({
        failure: 'threw',
        message: expect.stringContaining('Code generation from strings disallowed'),
      });
      expect(outcomes[7]).toBe('[]');
    });

    it('refuses eval and new Function', async () => {
      const evalId = await loadHostile(plugin(`return eval('1 + 1');`));
      expect((await failure(sandbox.call(evalId, 'probe', []), 'threw')).message).toContain(
        'Code generation from strings disallowed',
      );
      const functionId = await loadHostile(plugin(`return new Function('return 1')();`));
      await failure(sandbox.call(functionId, 'probe', []), 'threw');
    });

    it('refuses require, at load and in a call', async () => {
      const error = await failure(
        sandbox.load(
          'requires-at-load',
          `const fs = require('fs'); module.exports = { probe: () => fs.readFileSync('/etc/passwd', 'utf8') };`,
        ),
        'threw',
      );
      expect(error.message).toContain(`require("fs") is not available`);
      const id = await loadHostile(plugin(`return require('fs').readFileSync('/etc/passwd', 'utf8');`));
      await failure(sandbox.call(id, 'probe', []), 'threw');
    });

    it('refuses dynamic import', async () => {
      const id = await loadHostile(`
        let outcome = 'pending';
        module.exports = {
          start() { try { import('fs').then((fs) => { outcome = 'fs:' + typeof fs.readFileSync; }, (e) => { outcome = 'rejected:' + e.message; }); } catch (e) { outcome = 'threw:' + e.message; } return 'started'; },
          outcome: () => outcome,
        };`);
      const started = await sandbox.call(id, 'start', []).catch((error: PluginCallError) => error.failure);
      expect(['started', 'threw']).toContain(started);
      await new Promise((resolve) => setTimeout(resolve, 100));
      const outcome = await sandbox.call<string>(id, 'outcome', []).catch((error: PluginCallError) => error.failure);
      expect(outcome).not.toMatch(/^fs:/);
    });

    it('gives no network access: fetch reaches nothing', async () => {
      let received = 0;
      const server: Server = createServer((_request, response) => {
        received++;
        response.end('pwned');
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/steal`;
      try {
        const id = await loadHostile(plugin(`const r = fetch(${JSON.stringify(url)}); return typeof r;`));
        expect((await failure(sandbox.call(id, 'probe', []), 'threw')).message).toContain('fetch is not defined');
        await new Promise((resolve) => setTimeout(resolve, 300));
        expect(received).toBe(0);
      } finally {
        await new Promise((resolve) => server.close(resolve));
      }
    });

    it('rejects results that are not plain JSON', async () => {
      const fn = await loadHostile(plugin('return { ok: true, fn() {} };'));
      expect((await failure(sandbox.call(fn, 'probe', []), 'bad_result')).message).toContain('function');
      const cycle = await loadHostile(plugin('const a = {}; a.self = a; return a;'));
      await failure(sandbox.call(cycle, 'probe', []), 'bad_result');
      const promise = await loadHostile(plugin('return Promise.resolve(1);'));
      expect((await failure(sandbox.call(promise, 'probe', []), 'bad_result')).message).toContain('Promise');
    });

    it('cannot turn the input channel into a trap', async () => {
      const id = await loadHostile(
        plugin(
          `Object.defineProperty(globalThis, '__cmIn', { get() { while (true) {} }, set() { while (true) {} } }); return 1;`,
        ),
      );
      await failure(sandbox.call(id, 'probe', []), 'threw');
      await expect(sandbox.call(id, 'nothing', []).catch((error: PluginCallError) => error.failure)).resolves.toBe(
        'threw',
      );
      await expectGoodAnswers();
    });
  });

  describe('recovery and reloading', () => {
    it('recovers when the sandbox process is killed, re-loading every plugin', async () => {
      const pid = sandbox.processId!;
      const inFlight = sandbox
        .call('good', 'validate', [{ name: 'x' }])
        .catch((error: PluginCallError) => error.failure);
      process.kill(pid, 'SIGKILL');
      expect(['crashed', expect.anything()]).toContainEqual(await inFlight);
      const deadline = Date.now() + 10_000;
      let answer: unknown;
      while (Date.now() < deadline) {
        answer = await sandbox
          .call('good', 'validate', [{ name: '' }])
          .catch((error: PluginCallError) => error.failure);
        if (Array.isArray(answer)) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(answer).toEqual([{ path: 'name', message: 'required' }]);
      expect(sandbox.processId).not.toBe(pid);
      await expect(sandbox.call('feature', 'actions.start', [1, {}])).resolves.toMatchObject({ state: { round: 1 } });
    }, 20_000);

    it('swaps a reloaded plugin atomically', async () => {
      const version = (v: string): string => plugin(`return '${v}';`);
      await sandbox.load('swap', version('v1'));
      const before = Array.from({ length: 200 }, () =>
        sandbox.call('swap', 'probe', []).catch((error: PluginCallError) => error.failure),
      );
      await sandbox.load('swap', version('v2'));
      const after = await Promise.all(Array.from({ length: 50 }, () => sandbox.call('swap', 'probe', [])));
      const seen = await Promise.all(before);
      for (const value of seen) expect(['v1', 'v2', 'not_loaded']).toContain(value);
      expect(seen[0]).toBe('v1');
      expect(new Set(after)).toEqual(new Set(['v2']));
      // A failing reload keeps the working version.
      await failure(sandbox.load('swap', `throw new Error('broken v3');`), 'threw');
      await expect(sandbox.call('swap', 'probe', [])).resolves.toBe('v2');
    });
  });

  describe('partitions: each plugin its own workers, queue and memory', () => {
    it('never makes another plugin wait for, or answer for, a plugin that loops', async () => {
      const id = await loadHostile(plugin('for (;;) Math.random();'));
      let firstFailureAt = Number.POSITIVE_INFINITY;
      const looping = Array.from({ length: 6 }, () =>
        sandbox.call(id, 'probe', []).catch((error: PluginCallError) => {
          firstFailureAt = Math.min(firstFailureAt, Date.now());
          return error;
        }),
      );
      const good = await Promise.all(
        Array.from({ length: 20 }, () => sandbox.call('good', 'validate', [{ name: 'A' }])),
      );
      const goodDoneAt = Date.now();
      expect(good).toEqual(Array(20).fill([]));
      // The good plugin's calls never ran on (or waited behind) the looping plugin's workers: they are all answered
      // before even the first loop hits its time limit.
      expect(goodDoneAt).toBeLessThan(firstFailureAt);
      for (const error of await Promise.all(looping)) {
        expect(error).toBeInstanceOf(PluginCallError);
        expect(error).toMatchObject({ pluginId: id, failure: expect.stringMatching(/^(timeout|crashed)$/) });
      }
    }, 20_000);

    it('fails calls beyond a plugin’s queue bound at once with overloaded, for that plugin only', async () => {
      const small = new PluginSandbox({ timeoutMs: 1000, memoryMb: 64, workers: 1, maxQueue: 3 });
      await small.start();
      try {
        await small.load('good', goodCode);
        await small.load('slow', plugin('const until = Date.now() + 200; while (Date.now() < until) {} return 1;'));
        const calls = Array.from({ length: 6 }, () =>
          small.call('slow', 'probe', []).catch((error: PluginCallError) => error.failure),
        );
        await expect(small.call('good', 'validate', [{ name: 'A' }])).resolves.toEqual([]);
        const outcomes = await Promise.all(calls);
        expect(outcomes.filter((outcome) => outcome === 1)).toHaveLength(3);
        expect(outcomes.filter((outcome) => outcome === 'overloaded')).toHaveLength(3);
      } finally {
        await small.stop();
      }
    }, 20_000);

    it('counts ArrayBuffers: kept ones fail the call as memory and recycle the worker; a huge one never grows the process', async () => {
      const id = 'hoarder';
      const single = new PluginSandbox({ timeoutMs: 2000, memoryMb: 64, workers: 1, arrayBufferMb: 64 });
      await single.start();
      try {
        await single.load(
          id,
          plugin(
            `if (input === 'huge') { kept.push(new ArrayBuffer(8 * 2 ** 30)); return kept.length; }
           kept.push(new Uint8Array(40 * 2 ** 20).fill(1)); return kept.length;`,
            'const kept = [];',
          ),
        );
        await single.load('good', goodCode);
        await expect(single.call(id, 'probe', ['keep'])).resolves.toBe(1);
        const error = await failure(single.call(id, 'probe', ['keep']), 'out_of_memory');
        expect(error.message).toMatch(/ArrayBuffer limit of 64 MB/);
        // The recycled worker starts empty: the memory is back.
        await expect(single.call(id, 'probe', ['keep'])).resolves.toBe(1);
        const huge = await single.call(id, 'probe', ['huge']).catch((caught: PluginCallError) => caught);
        expect(huge).toBeInstanceOf(PluginCallError);
        expect((huge as PluginCallError).failure).toMatch(/^(threw|out_of_memory)$/);
        const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${single.processId}/status`, 'utf8'));
        expect(Number(rss?.[1]) / 1024).toBeLessThan(1024);
        await expect(single.call('good', 'validate', [{ name: 'A' }])).resolves.toEqual([]);
      } finally {
        await single.stop();
      }
    }, 30_000);
  });
});
