/**
 * A sandbox worker thread: holds one vm context per loaded plugin and answers the supervisor's messages one at
 * a time, in order. Plugin code runs only inside `runInContext` (timed by the supervisor); only strings enter or leave a
 * context. Worker-level limits (heap, stack) are set by the supervisor through `resourceLimits`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import v8 from 'node:v8';
import vm from 'node:vm';
import {
  type FailureKind,
  type ReplyMessage,
  RUNNING_ID,
  RUNNING_SINCE,
  type RuntimeLimits,
  type WorkerBatchReply,
  type WorkerMessage,
} from '../protocol.js';
import { PRELUDE_SOURCE } from './prelude.js';

interface LoadedPlugin {
  gen: number;
  sandbox: Record<string, unknown>;
  context: vm.Context;
}

const CALL_SCRIPT = new vm.Script('__cmCall()', { filename: 'cm:call' });
const PRELUDE_SCRIPT = new vm.Script(PRELUDE_SOURCE, { filename: 'cm:prelude' });
const SEPARATOR = '\u0001';

/**
 * The worker's own `gc()`, taken before any plugin context exists; the flag is switched off again at once so
 * plugin contexts do not get one. Undefined if the flag cannot be set here.
 */
const collectGarbage: (() => void) | undefined = (() => {
  try {
    v8.setFlagsFromString('--expose-gc');
    return vm.runInNewContext('gc') as () => void;
  } catch {
    return undefined;
  } finally {
    v8.setFlagsFromString('--no-expose-gc');
  }
})();

/** Thrown by the worker itself (not by plugin code) to report a failure kind. */
class CallFailure extends Error {
  constructor(
    readonly failure: FailureKind,
    message: string,
    readonly recycle = false,
  ) {
    super(message);
  }
}

/**
 * Runs a script in a plugin context; returns the envelope string it produced. There is deliberately no vm
 * `timeout` here: Node starts a watchdog thread for every timed run (about 250 µs per call). Time limits are
 * enforced by the supervisor, which watches the item this worker runs (shared memory) and terminates the worker
 * when it overruns. With `microtaskMode: 'afterEvaluate'` promise jobs run inside this call, so they are timed too.
 */
function runEnvelope(script: vm.Script, context: vm.Context): string {
  let result: unknown;
  try {
    result = script.runInContext(context, { breakOnSigint: false });
  } catch {
    // The prelude catches everything a plugin throws; what escapes is plugin-controlled: never inspect it.
    throw new CallFailure('threw', 'plugin code failed outside its error handling', true);
  }
  if (typeof result !== 'string')
    throw new CallFailure('bad_result', 'the plugin tampered with the sandbox entry point');
  return result;
}

interface Envelope {
  status: string;
  logs?: string[];
  payload: string;
}

function openEnvelope(envelope: string): Envelope {
  const cut = envelope.indexOf(SEPARATOR);
  if (cut < 1) throw new CallFailure('bad_result', 'the plugin tampered with the sandbox entry point');
  const logsJson = envelope.slice(1, cut);
  let logs: string[] | undefined;
  if (logsJson.length > 0) {
    try {
      const parsed: unknown = JSON.parse(logsJson);
      if (Array.isArray(parsed)) logs = parsed.filter((line): line is string => typeof line === 'string');
    } catch {
      logs = undefined;
    }
  }
  return { status: envelope[0], logs, payload: envelope.slice(cut + 1) };
}

function createContext(
  pluginId: string,
  code: string,
  _limits: RuntimeLimits,
): { plugin: Omit<LoadedPlugin, 'gen'>; description: string } {
  const sandbox: Record<string, unknown> = {};
  const context = vm.createContext(sandbox, {
    name: `plugin:${pluginId}`,
    codeGeneration: { strings: false, wasm: false },
    microtaskMode: 'afterEvaluate',
  });
  PRELUDE_SCRIPT.runInContext(context);
  let script: vm.Script;
  try {
    script = new vm.Script(`__cmDefine(function (module, exports, require) {\n${code}\n});`, {
      filename: `plugin:${pluginId}`,
      lineOffset: -1,
    });
  } catch (error) {
    // A syntax error: the SyntaxError comes from the worker realm (compilation happens outside the context).
    throw new CallFailure(
      'threw',
      `the bundle does not compile: ${error instanceof Error ? error.message : 'syntax error'}`,
    );
  }
  const envelope = openEnvelope(runEnvelope(script, context));
  if (envelope.status !== 'o') throw new CallFailure('threw', `evaluating the bundle failed: ${envelope.payload}`);
  return { plugin: { sandbox, context }, description: envelope.payload };
}

function call(
  plugin: LoadedPlugin,
  method: string,
  args: string,
  limits: RuntimeLimits,
): { value?: string; logs?: string[] } {
  plugin.sandbox.__cmIn = method + SEPARATOR + args;
  const envelope = openEnvelope(runEnvelope(CALL_SCRIPT, plugin.context));
  plugin.sandbox.__cmIn = '';
  const { status, logs, payload } = envelope;
  switch (status) {
    case 'o':
      if (payload.length > limits.maxResultChars)
        throw new CallFailure('bad_result', `the result exceeds ${limits.maxResultChars} characters of JSON`);
      return { value: payload, logs };
    case 'u':
      return { logs };
    case 'b':
      throw Object.assign(new CallFailure('bad_result', payload), { logs });
    case 'n':
    case 'e':
      throw Object.assign(new CallFailure('threw', payload), { logs });
    default:
      throw new CallFailure('bad_result', 'the plugin tampered with the sandbox entry point');
  }
}

/**
 * V8's heap limit does not count ArrayBuffers and typed arrays, so the worker checks them after each item: more
 * than `arrayBufferMb` still held after a full GC fails the item as out_of_memory and recycles the worker (the
 * only way to take back what a plugin keeps in its module state). V8's external-memory figure is cheap but lags
 * behind frees; the allocator's own count (`arrayBuffers`) is exact and read only when the first is over.
 */
function checkMemory(limits: RuntimeLimits, what: string): void {
  const cap = limits.arrayBufferMb * 1024 * 1024;
  if (v8.getHeapStatistics().external_memory <= cap) return;
  collectGarbage?.();
  const held = process.memoryUsage().arrayBuffers;
  if (held > cap) {
    const mb = Math.round(held / 1024 / 1024);
    throw new CallFailure(
      'out_of_memory',
      `exceeded the ArrayBuffer limit of ${limits.arrayBufferMb} MB (${what} left ${mb} MB behind); its worker was recycled`,
      true,
    );
  }
}

/** Starts the worker's message loop (called by runner.ts when not on the main thread). */
export function runWorker(): void {
  const port = parentPort;
  if (!port) throw new Error('runWorker must run in a worker thread');
  const { limits, running } = workerData as { limits: RuntimeLimits; running: BigInt64Array };
  const plugins = new Map<string, LoadedPlugin>();

  const handle = (message: Exclude<WorkerMessage, { t: 'drop' }>): ReplyMessage => {
    switch (message.t) {
      case 'install': {
        const { plugin, description } = createContext(message.pluginId, message.code, limits);
        const current = plugins.get(message.pluginId);
        if (!current || current.gen < message.gen) plugins.set(message.pluginId, { ...plugin, gen: message.gen });
        checkMemory(limits, 'its top level');
        return { t: 'ok', id: message.id, value: description };
      }
      case 'call': {
        const plugin = plugins.get(message.pluginId);
        if (!plugin) throw new CallFailure('not_loaded', 'the plugin is not loaded');
        if (plugin.gen !== message.gen)
          throw new CallFailure('not_loaded', 'the plugin was replaced by a newer version during the call');
        const result = call(plugin, message.method, message.args, limits);
        checkMemory(limits, 'the call');
        return { t: 'ok', id: message.id, ...result };
      }
    }
  };

  /** Runs one item; `recycle` is set when the worker must be replaced after it. */
  const runItem = (message: Exclude<WorkerMessage, { t: 'drop' }>): { reply: ReplyMessage; recycle: boolean } => {
    Atomics.store(running, RUNNING_SINCE, BigInt(Date.now()));
    Atomics.store(running, RUNNING_ID, BigInt(message.id));
    try {
      return { reply: handle(message), recycle: false };
    } catch (error) {
      if (error instanceof CallFailure) {
        const logs = (error as CallFailure & { logs?: string[] }).logs;
        return {
          reply: { t: 'fail', id: message.id, failure: error.failure, message: error.message, logs },
          recycle: error.recycle,
        };
      }
      // A failure of the worker's own code (e.g. a RangeError near the stack limit): replace this worker.
      return {
        reply: { t: 'fail', id: message.id, failure: 'crashed', message: 'the sandbox worker failed' },
        recycle: true,
      };
    } finally {
      Atomics.store(running, RUNNING_ID, 0n);
    }
  };

  port.on('message', (batch: WorkerMessage[]) => {
    const replies: ReplyMessage[] = [];
    let recycle = false;
    for (const message of batch) {
      if (message.t === 'drop') {
        plugins.delete(message.pluginId);
        continue;
      }
      const outcome = runItem(message);
      replies.push(outcome.reply);
      // The worker must be replaced: stop here, the rest of the batch is re-queued.
      if ((recycle = outcome.recycle)) break;
    }
    port.postMessage({ replies, recycle } satisfies WorkerBatchReply);
  });
}
