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

/** The shared vendor build: its assets and the URL each shared specifier is rewritten to. */
export interface VendorBuild {
  assets: PluginAsset[];
  urls: Map<string, string>;
}

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

  constructor(repoRoot = findRepoRoot()) {
    this.libsRoot = join(repoRoot, 'libs');
    this.hostDir = join(repoRoot, 'apps', 'host');
  }

  private libPath(name: keyof typeof LIBS): string {
    return join(this.libsRoot, LIBS[name], 'src', 'index.ts');
  }

  /** Builds the shared browser modules (Svelte runtime + SDK) once, with code splitting and hashed names. */
  async buildVendor(): Promise<VendorBuild> {
    const entries: Record<string, string> = {};
    for (const specifier of SHARED_SVELTE_MODULES) entries[`vendor-${specifier.replaceAll('/', '-')}`] = `shared:${specifier}`;
    entries['vendor-cm-ruleset-sdk'] = this.libPath('@cm/ruleset-sdk');
    const virtualEntries: Plugin = {
      name: 'shared-entries',
      setup: (b) => {
        b.onResolve({ filter: /^shared:/ }, (args) => ({ path: args.path.slice('shared:'.length), namespace: 'shared' }));
        b.onLoad({ filter: /.*/, namespace: 'shared' }, (args) => ({
          contents: `import ${JSON.stringify(args.path)};\nexport * from ${JSON.stringify(args.path)};\n`,
          resolveDir: this.hostDir,
          loader: 'js',
        }));
      },
    };
    const outputs = await this.run('vendor', {
      entryPoints: entries,
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
      metafile: true,
    });
    const assets: PluginAsset[] = [];
    const urls = new Map<string, string>();
    for (const output of outputs.files) {
      const file = output.path.slice(output.path.lastIndexOf('/') + 1);
      const [name, hash] = file.split('.');
      const asset: PluginAsset = { ...createAsset(name!, output.contents, hash!), file, url: `${ASSETS_ROUTE}/${file}` };
      assets.push(asset);
      const source = entries[name!];
      if (source !== undefined) urls.set(source.startsWith('shared:') ? source.slice('shared:'.length) : '@cm/ruleset-sdk', asset.url);
    }
    return { assets, urls };
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
  async buildUi(dir: string, manifest: PluginManifest, vendor: VendorBuild): Promise<PluginAsset> {
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
      plugins: [this.sharedModules(vendor), this.libAliases(['@cm/dice']), sveltePlugin({ compilerOptions: { css: 'injected' } })],
    });
    const css = outputs.files.find((file) => file.path.endsWith('.css'));
    if (css) throw new PluginBuildError('ui', ['CSS files cannot be imported: put styles in a <style> block of a Svelte component']);
    const js = outputs.files.find((file) => file.path.endsWith('.js'))!;
    return createAsset(`${manifest.id}-ui`, js.contents);
  }

  private async run(
    bundle: 'server' | 'ui' | 'vendor',
    options: Parameters<typeof build>[0],
  ): Promise<{ files: OutputFile[]; metafile?: { outputs: Record<string, { entryPoint?: string }> } }> {
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
          if (!args.path.startsWith('node:') && !builtins.has(name) && !builtins.has(name.split('/')[0]!)) return undefined;
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

  private sharedModules(vendor: VendorBuild): Plugin {
    return {
      name: 'shared-modules',
      setup: (b) => {
        b.onResolve({ filter: /^(svelte(\/.*)?|@cm\/ruleset-sdk)$/ }, (args) => {
          const url = vendor.urls.get(args.path);
          if (url) return { path: url, external: true };
          return { errors: [{ text: `"${args.path}" is not one of the shared modules the host provides (${[...vendor.urls.keys()].join(', ')})` }] };
        });
      },
    };
  }
}

function formatMessage(message: Message): string {
  const location = message.location ? `${message.location.file}:${message.location.line}:${message.location.column}: ` : '';
  return `${location}${message.text}`;
}
