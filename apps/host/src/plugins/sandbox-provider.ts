import type { Provider } from '@nestjs/common';
import vm from 'node:vm';
import type { SandboxPluginDescription, SandboxPort } from './plugin-runtime.js';

/** Injection token of the sandbox that runs plugin server code. */
export const PLUGIN_SANDBOX = Symbol('PLUGIN_SANDBOX');
export type SandboxHandle = SandboxPort;

/** TEMPORARY stand-in until sandbox/plugin-sandbox.ts lands: NOT a security boundary. */
class InterimSandbox implements SandboxPort {
  private readonly modules = new Map<string, Record<string, unknown>>();
  async start(): Promise<void> {}
  async stop(): Promise<void> {
    this.modules.clear();
  }
  async load(pluginId: string, code: string): Promise<SandboxPluginDescription> {
    const module = { exports: {} as Record<string, unknown> };
    vm.runInNewContext(code, { module, exports: module.exports }, { timeout: 1000 });
    const def = (module.exports.default ?? module.exports) as Record<string, unknown>;
    this.modules.set(pluginId, def);
    const list = <T>(v: unknown): T[] => (Array.isArray(v) ? (v as T[]) : []);
    return {
      methods: Object.keys(def).filter((k) => typeof def[k] === 'function'),
      migrations: list<{ from: string; to: string }>(def.migrations).map(({ from, to }) => ({ from, to })),
      importers: list<{ id: string; label: string }>(def.importers).map(({ id, label }) => ({ id, label })),
      actions: Object.keys((def.actions as object) ?? {}),
      hasGroupEventHandler: typeof def.onGroupEvent === 'function',
    };
  }
  async unload(pluginId: string): Promise<void> {
    this.modules.delete(pluginId);
  }
  async call(pluginId: string, method: string, args: unknown[]): Promise<unknown> {
    const def = this.modules.get(pluginId);
    if (!def) throw Object.assign(new Error('not loaded'), { failure: 'not_loaded', pluginId, method });
    const parts = method.split('.');
    let owner: unknown = def;
    for (const part of parts.slice(0, -1)) owner = (owner as Record<string, unknown>)[part];
    const fn = (owner as Record<string, (...a: unknown[]) => unknown>)[parts.at(-1)!];
    try {
      return JSON.parse(JSON.stringify(fn!.apply(owner, JSON.parse(JSON.stringify(args)) as unknown[]) ?? null));
    } catch (error) {
      throw Object.assign(new Error((error as Error).message), { failure: 'threw', pluginId, method });
    }
  }
}

/** A new, not yet started sandbox for plugin server code. */
export function createSandbox(): SandboxHandle {
  return new InterimSandbox();
}

/** Provides the sandbox; the PluginsService starts and stops it. */
export const sandboxProvider: Provider = { provide: PLUGIN_SANDBOX, useFactory: createSandbox };
