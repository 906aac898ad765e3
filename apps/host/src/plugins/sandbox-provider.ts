import type { Provider } from '@nestjs/common';
import type { SandboxPort } from './plugin-runtime.js';
import { PluginSandbox } from './sandbox/plugin-sandbox.js';

/** Injection token of the sandbox that runs plugin server code. */
export const PLUGIN_SANDBOX = Symbol('PLUGIN_SANDBOX');
export type SandboxHandle = SandboxPort;

/** A new, not yet started sandbox for plugin server code (a child process with worker threads; see sandbox/). */
export function createSandbox(): SandboxHandle {
  return new PluginSandbox();
}

/** Provides the sandbox; the PluginsService starts and stops it. */
export const sandboxProvider: Provider = { provide: PLUGIN_SANDBOX, useFactory: createSandbox };
