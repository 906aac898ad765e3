import { build, type BuildFailure, type Message, type Plugin, type OutputFile } from 'esbuild';
import esbuildSvelte from 'esbuild-svelte';
import { existsSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PluginManifest } from '@cm/ruleset-sdk';
import { ASSETS_ROUTE, contentHash, createAsset, type PluginAsset } from './plugin-assets.js';

// esbuild-svelte is CommonJS with `module.exports = plugin`; its typings describe an ES default export.
const sveltePlugin = esbuildSvelte as unknown as typeof esbuildSvelte.default;

/** The libraries a plugin may import by name; bundled into the server module, shared (vendor) in the browser. */
const LIBS = { '@cm/ruleset-sdk': 'ruleset-sdk', '@cm/dice': 'dice' } as const;

/**
 * The Svelte runtime entry points a compiled Svelte 5 component (or a plugin's own code) may import. They are
 * built once into the shared vendor modules so every plugin UI uses one Svelte instance.
 */
export const SHARED_SVELTE_MODULES = [
  'svelte',
  'svelte/internal/client',
  'svelte/internal/disclose-version',
  'svelte/internal/flags/legacy',
  'svelte/internal/flags/async',
  'svelte/internal/flags/tracing',
  'svelte/animate',
  'svelte/attachments',
  'svelte/easing',
  'svelte/events',
  'svelte/legacy',
  'svelte/motion',
  'svelte/reactivity',
  'svelte/reactivity/window',
  'svelte/store',
  'svelte/transition',
] as const;

/** Browsers the UI bundles target: TaleSpire's embedded Chromium is the oldest client. */
const BROWSER_TARGET = ['chrome111', 'firefox115', 'safari16'];

/** A build that failed, with esbuild's messages made readable (`file:line:column: text`). */
export class PluginBuildError extends Error {
  constructor(
    readonly bundle: 'server' | 'ui' | 'vendor',
    readonly messages: string[],
  ) {
    super(`${bundle} build failed: ${messages.join('; ')}`);
  }
}

/** What a compiled UI imports from the shared modules: names per specifier (an empty set: a side-effect import). */
export type SharedUses = Map<string, Set<string>>;

/** The shared vendor build: its assets, the URL each shared specifier is rewritten to, and what it exports. */
export interface VendorBuild {
  assets: PluginAsset[];
  urls: Map<string, string>;
  uses: SharedUses;
}

/** A UI module compiled with the shared modules still bare specifiers, and what it uses of them. */
export interface CompiledUi {
  code: string;
  uses: SharedUses;
}

const SHARED_SPECIFIER = /^(svelte(\/.*)?|@cm\/ruleset-sdk)$/;
/** A static or dynamic import of a shared module in compiled code: `from"svelte"`, `import"svelte/…"`, `import("…")`. */
const IMPORT_OF_SHARED = /(?:from|import)\s*\(?\s*"(svelte(?:\/[^"]*)?|@cm\/ruleset-sdk)"/g;

/** A built server module: CommonJS code for the sandbox and its content hash. */
export interface ServerBundle {
  code: string;
  hash: string;
}

/** Finds the monorepo root (the folder holding `libs/`), from the source tree or from `dist/`. */
export function findRepoRoot(start = dirname(fileURLToPath(import.meta.url))): string {
  let dir = start;
  for (;;) {
    if (existsSync(join(dir, 'libs', 'ruleset-sdk', 'src', 'index.ts'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`Cannot find the libs/ folder above ${start}`);
    dir = parent;
  }
}

/** Bundles plugins with esbuild: a sandboxed CommonJS server module and a browser ESM UI module per plugin. */
export class PluginBundler {
  private readonly libsRoot: string;
  private readonly hostDir: string;
  private readonly knownExports = new Map<string, Set<string>>();

  constructor(repoRoot = findRepoRoot()) {
    this.libsRoot = join(repoRoot, 'libs');
    this.hostDir = join(repoRoot, 'apps', 'host');
  }

  private libPath(name: keyof typeof LIBS): string {
    return join(this.libsRoot, LIBS[name], 'src', 'index.ts');
  }

  /**
   * Builds the shared browser modules (the Svelte runtime and the SDK) exporting only what the installed plugin
   * UIs use, with code splitting and hashed names: one Svelte instance for every plugin UI, and a first page
   * load that carries the runtime functions those UIs call rather than the whole runtime.
   */
  async buildVendor(uses: SharedUses): Promise<VendorBuild> {
    // One module per library (every svelte/* specifier in one): a page fetches one gzip stream, not several.
    // Svelte's public exports that share a name with svelte/internal/client are the same functions.
    const entries: Record<string, string> = {};
    const specifiers = new Map<string, string[]>();
    for (const specifier of uses.keys()) {
      const name = specifier.startsWith('svelte') ? 'vendor-svelte' : 'vendor-cm-ruleset-sdk';
      specifiers.set(name, [...(specifiers.get(name) ?? []), specifier]);
    }
    for (const [name, group] of specifiers) {
      const exported = new Set<string>();
      const lines: string[] = [];
      for (const specifier of group) {
        const names = [...uses.get(specifier)!].filter((n) => !exported.has(n)).sort();
        names.forEach((n) => exported.add(n));
        if (names.length === 0) lines.push(`import ${JSON.stringify(specifier)};`);
        const named = names.filter((n) => n !== 'default');
        if (named.length > 0) lines.push(`export { ${named.join(', ')} } from ${JSON.stringify(specifier)};`);
        if (names.includes('default')) lines.push(`export { default } from ${JSON.stringify(specifier)};`);
      }
      entries[name] = `shared:${lines.join('\n')}`;
    }
    if (Object.keys(entries).length === 0) return { assets: [], urls: new Map(), uses: new Map() };
    const virtualEntries: Plugin = {
      name: 'shared-entries',
      setup: (b) => {
        b.onResolve({ filter: /^shared:/ }, (args) => ({
          path: args.path.slice('shared:'.length),
          namespace: 'shared',
        }));
        b.onResolve({ filter: /^@cm\/ruleset-sdk$/ }, () => ({ path: this.libPath('@cm/ruleset-sdk') }));
        b.onLoad({ filter: /.*/, namespace: 'shared' }, (args) => ({
          contents: args.path,
          resolveDir: this.hostDir,
          loader: 'js',
        }));
      },
    };
    const outputs = await this.run('vendor', {
      entryPoints: Object.fromEntries(
        Object.keys(entries).map((name) => [name, `shared:${entries[name].slice('shared:'.length)}`]),
      ),
      outdir: '/vendor',
      entryNames: '[name].[hash]',
      chunkNames: 'vendor-chunk.[hash]',
      splitting: true,
      format: 'esm',
      platform: 'browser',
      minify: true,
      target: BROWSER_TARGET,
      conditions: ['browser', 'production'],
      define: { 'process.env.NODE_ENV': '"production"' },
      plugins: [virtualEntries],
    });
    const assets: PluginAsset[] = [];
    const urls = new Map<string, string>();
    for (const output of outputs.files) {
      const file = output.path.slice(output.path.lastIndexOf('/') + 1);
      const [name, hash] = file.split('.');
      const asset: PluginAsset = {
        ...createAsset(name, output.contents, hash),
        file,
        url: `${ASSETS_ROUTE}/${file}`,
      };
      assets.push(asset);
      for (const specifier of specifiers.get(name) ?? []) urls.set(specifier, asset.url);
    }
    return { assets, urls, uses };
  }

  /** The names a shared module really exports (scanned names that are not exports are dropped). */
  async exportsOf(specifier: string): Promise<Set<string>> {
    let known = this.knownExports.get(specifier);
    if (!known) {
      const source = specifier === '@cm/ruleset-sdk' ? this.libPath('@cm/ruleset-sdk') : specifier;
      const result = await this.run('vendor', {
        stdin: { contents: `export * from ${JSON.stringify(source)};`, resolveDir: this.hostDir, loader: 'js' },
        outfile: '/exports.js',
        format: 'esm',
        platform: 'browser',
        conditions: ['browser', 'production'],
        metafile: true,
      });
      known = new Set(Object.values(result.metafile?.outputs ?? {}).flatMap((output) => output.exports ?? []));
      this.knownExports.set(specifier, known);
    }
    return known;
  }

  /** Builds the plugin's server module: CommonJS, everything bundled, no Node built-ins. */
  async buildServer(dir: string, manifest: PluginManifest): Promise<ServerBundle> {
    const outputs = await this.run('server', {
      entryPoints: [resolve(dir, manifest.entry.server)],
      absWorkingDir: dir,
      outfile: '/server/index.js',
      format: 'cjs',
      platform: 'neutral',
      mainFields: ['module', 'main'],
      target: 'es2022',
      plugins: [this.noBuiltins(), this.libAliases(['@cm/ruleset-sdk', '@cm/dice'])],
    });
    const code = outputs.files.find((file) => file.path.endsWith('.js'))!.text;
    return { code, hash: contentHash(code) };
  }

  /** Builds the plugin's browser module: ESM, minified, Svelte compiled with injected CSS, shared modules external. */
  /** Phase 1 of a UI build: the plugin's browser module with the shared modules left as bare specifiers. */
  async compileUi(dir: string, manifest: PluginManifest): Promise<CompiledUi> {
    const outputs = await this.run('ui', {
      entryPoints: [resolve(dir, manifest.entry.ui!)],
      absWorkingDir: dir,
      outfile: '/ui/index.js',
      format: 'esm',
      platform: 'browser',
      minify: true,
      target: BROWSER_TARGET,
      conditions: ['svelte', 'browser', 'production'],
      mainFields: ['svelte', 'browser', 'module', 'main'],
      define: { 'process.env.NODE_ENV': '"production"' },
      plugins: [
        this.sharedModules(),
        this.libAliases(['@cm/dice']),
        sveltePlugin({ compilerOptions: { css: 'injected' } }),
      ],
    });
    const css = outputs.files.find((file) => file.path.endsWith('.css'));
    if (css)
      throw new PluginBuildError('ui', [
        'CSS files cannot be imported: put styles in a <style> block of a Svelte component',
      ]);
    const code = outputs.files.find((file) => file.path.endsWith('.js'))!.text;
    return { code, uses: await this.sharedUses(code) };
  }

  /** Phase 2: points the compiled module's shared imports at the vendor's hashed URLs (no import map needed). */
  linkUi(id: string, compiled: CompiledUi, vendor: VendorBuild): PluginAsset {
    const code = compiled.code.replace(IMPORT_OF_SHARED, (whole, specifier: string) => {
      const url = vendor.urls.get(specifier);
      if (!url) throw new PluginBuildError('ui', [`the shared module "${specifier}" is missing from the vendor build`]);
      return whole.replace(`"${specifier}"`, JSON.stringify(url));
    });
    return createAsset(`${id}-ui`, code);
  }

  /** Reads which shared names a compiled module imports: named, default, namespace members and bare imports. */
  private async sharedUses(code: string): Promise<SharedUses> {
    const uses: SharedUses = new Map();
    const add = (specifier: string, names: string[]) => {
      const set = uses.get(specifier) ?? new Set<string>();
      names.forEach((name) => set.add(name));
      uses.set(specifier, set);
    };
    for (const [, clause, specifier] of code.matchAll(/import\s*([^"'();]*?)\s*from\s*"([^"]+)"/g)) {
      if (!SHARED_SPECIFIER.test(specifier)) continue;
      const namespace = /\*\s*as\s+([\w$]+)/.exec(clause)?.[1];
      const named = /\{([^}]*)\}/.exec(clause)?.[1];
      const defaultName = /^([\w$]+)\s*(,|$)/.test(clause.trim());
      const names: string[] = [];
      if (named)
        names.push(
          ...named
            .split(',')
            .map((part) => part.trim().split(/\s+as\s+/)[0])
            .filter(Boolean),
        );
      if (defaultName) names.push('default');
      if (namespace) {
        const member = new RegExp(`(?<![\\w$.])${namespace.replace('$', '\\$')}\\.([A-Za-z_$][\\w$]*)`, 'g');
        for (const [, name] of code.matchAll(member)) names.push(name);
      }
      const exported = await this.exportsOf(specifier);
      add(
        specifier,
        names.filter((name) => name === 'default' || exported.has(name)),
      );
    }
    for (const [, specifier] of code.matchAll(/import\s*"([^"]+)"/g))
      if (SHARED_SPECIFIER.test(specifier)) add(specifier, []);
    return uses;
  }

  private async run(
    bundle: 'server' | 'ui' | 'vendor',
    options: Parameters<typeof build>[0],
  ): Promise<{
    files: OutputFile[];
    metafile?: { outputs: Record<string, { entryPoint?: string; exports?: string[] }> };
  }> {
    try {
      const result = await build({
        bundle: true,
        write: false,
        logLevel: 'silent',
        legalComments: 'none',
        charset: 'utf8',
        // Plugin builds never depend on whichever tsconfig.json happens to sit above the plugin folder.
        tsconfigRaw: { compilerOptions: { useDefineForClassFields: true } },
        ...options,
      });
      return { files: result.outputFiles ?? [], metafile: result.metafile };
    } catch (error) {
      if (error instanceof PluginBuildError) throw error;
      const failure = error as Partial<BuildFailure>;
      const messages = failure.errors?.length ? failure.errors.map(formatMessage) : [(error as Error).message];
      throw new PluginBuildError(bundle, messages);
    }
  }

  private noBuiltins(): Plugin {
    const builtins = new Set(builtinModules);
    return {
      name: 'no-node-builtins',
      setup: (b) => {
        b.onResolve({ filter: /^[a-z_:/]+$/ }, (args) => {
          const name = args.path.startsWith('node:') ? args.path.slice(5) : args.path;
          if (!args.path.startsWith('node:') && !builtins.has(name) && !builtins.has(name.split('/')[0]))
            return undefined;
          return {
            errors: [
              {
                text: `Node built-in module "${args.path}" is not available to plugins: server code runs in a sandbox without filesystem, network, environment or process access`,
              },
            ],
          };
        });
      },
    };
  }

  private libAliases(names: Array<keyof typeof LIBS>): Plugin {
    return {
      name: 'cm-libs',
      setup: (b) => {
        for (const name of names) {
          const filter = new RegExp(`^${name.replace('/', '\\/')}$`);
          b.onResolve({ filter }, () => ({ path: this.libPath(name) }));
        }
      },
    };
  }

  private sharedModules(): Plugin {
    const allowed = new Set<string>([...SHARED_SVELTE_MODULES, '@cm/ruleset-sdk']);
    return {
      name: 'shared-modules',
      setup: (b) => {
        b.onResolve({ filter: SHARED_SPECIFIER }, (args) => {
          if (allowed.has(args.path)) return { path: args.path, external: true };
          return {
            errors: [
              {
                text: `"${args.path}" is not one of the shared modules the host provides (${[...allowed].join(', ')})`,
              },
            ],
          };
        });
      },
    };
  }
}

function formatMessage(message: Message): string {
  const location = message.location
    ? `${message.location.file}:${message.location.line}:${message.location.column}: `
    : '';
  return `${location}${message.text}`;
}

/** Whether a vendor exporting `available` serves everything in `needed`. */
export function coversUses(available: SharedUses, needed: SharedUses): boolean {
  for (const [specifier, names] of needed) {
    const have = available.get(specifier);
    if (!have) return false;
    for (const name of names) if (!have.has(name)) return false;
  }
  return true;
}

export function mergeUses(a: SharedUses, b: SharedUses): SharedUses {
  const merged: SharedUses = new Map([...a].map(([specifier, names]) => [specifier, new Set(names)]));
  for (const [specifier, names] of b) {
    const set = merged.get(specifier) ?? new Set<string>();
    names.forEach((name) => set.add(name));
    merged.set(specifier, set);
  }
  return merged;
}
