import type { Provider } from '@nestjs/common';
import type { ResolvedConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { SandboxPort } from './plugin-runtime.js';
import { PluginSandbox, type SandboxLimits } from './sandbox/plugin-sandbox.js';

/** Injection token of the sandbox that runs plugin server code. */
export const PLUGIN_SANDBOX = Symbol('PLUGIN_SANDBOX');
export type SandboxHandle = SandboxPort;

/** A new, not yet started sandbox for plugin server code (a child process with worker threads; see sandbox/). */
export function createSandbox(limits: Partial<SandboxLimits> = {}): SandboxHandle {
  return new PluginSandbox(limits);
}

/** Provides the sandbox with the configured limits; the PluginsService starts and stops it. */
export const sandboxProvider: Provider = {
  provide: PLUGIN_SANDBOX,
  inject: [APP_CONFIG],
  useFactory: ({ pluginLimits }: ResolvedConfig) =>
    createSandbox({
      timeoutMs: pluginLimits.timeoutMs,
      memoryMb: pluginLimits.memoryMb,
      arrayBufferMb: pluginLimits.arrayBufferMb,
      workers: pluginLimits.workers,
      maxQueue: pluginLimits.maxQueue,
      processMemoryMb: pluginLimits.processMemoryMb,
    }),
};
