/**
 * The sandbox child process's main thread: receives batches of HostMessages over IPC and routes each plugin's
 * work to that plugin's own partition (partition.ts: its workers with resourceLimits, its bounded queue, its
 * restarts). It never runs plugin code itself.
 */
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import type { ChildMessage, HostMessage, RuntimeLimits, SandboxSelfCheck } from '../protocol.js';
import { Partition, type PartitionContext } from './partition.js';

/** How often the watchdog looks at the workers: the precision of the time limit. */
const WATCHDOG_INTERVAL_MS = 10;

class Outbox {
  private batch: ChildMessage[] = [];
  private scheduled = false;
  send(message: ChildMessage): void {
    this.batch.push(message);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        const batch = this.batch;
        this.batch = [];
        process.send?.(batch);
      });
    }
  }
}

function selfCheck(): SandboxSelfCheck {
  const permission = (process as { permission?: { has(scope: string, reference?: string): boolean } }).permission;
  return {
    permissionModel: typeof permission?.has === 'function',
    fsReadDenied: permission ? !permission.has('fs.read', '/etc/passwd') : false,
    fsWriteDenied: permission ? !permission.has('fs.write', os.tmpdir()) : false,
    childProcessDenied: permission ? !permission.has('child') : false,
    envKeys: Object.keys(process.env).length,
    fetchAvailable: typeof (globalThis as { fetch?: unknown }).fetch !== 'undefined',
  };
}

/** The plugins' partitions: the served version of each id, plus versions still loading or draining. */
class Partitions {
  private readonly served = new Map<string, Partition>();
  private readonly live = new Set<Partition>();
  private nextGen = 1;
  private nextInternalId = -1;
  private readonly context: PartitionContext;

  constructor(
    limits: RuntimeLimits,
    runnerPath: string,
    private readonly outbox: Outbox,
  ) {
    this.context = {
      limits,
      runnerPath,
      nextInternalId: () => this.nextInternalId--,
      send: (message) => outbox.send(message),
      loaded: (partition, ok) => (ok ? this.serve(partition) : undefined),
      stopped: (partition) => {
        this.live.delete(partition);
        if (this.served.get(partition.pluginId) === partition) this.served.delete(partition.pluginId);
      },
    };
  }

  /** A new version is checked in its own partition and served once it loaded; a restore is served at once. */
  load(id: number, pluginId: string, code: string, restore: boolean): void {
    const partition = new Partition(pluginId, this.nextGen++, code, this.context, restore ? undefined : id);
    this.live.add(partition);
    if (restore) {
      this.serve(partition);
      this.outbox.send({ t: 'ok', id });
    }
  }

  call(id: number, pluginId: string, method: string, args: string): void {
    const partition = this.served.get(pluginId);
    if (partition) partition.submit({ id, method, args, attempts: 0 });
    else this.outbox.send({ t: 'fail', id, failure: 'not_loaded', message: 'the plugin is not loaded' });
  }

  unload(pluginId: string): void {
    this.served.get(pluginId)?.stop();
  }

  check(now: number): void {
    for (const partition of this.live) partition.check(now);
  }

  private serve(partition: Partition): void {
    const current = this.served.get(partition.pluginId);
    if (current && current.gen > partition.gen) return partition.retire();
    this.served.set(partition.pluginId, partition);
    current?.retire();
  }
}

export function runSupervisor(): void {
  const limits = JSON.parse(process.argv[2] ?? '{}') as RuntimeLimits;
  const outbox = new Outbox();
  const partitions = new Partitions(limits, fileURLToPath(import.meta.url), outbox);

  const onHostMessage = (message: HostMessage): void => {
    switch (message.t) {
      case 'call':
        return partitions.call(message.id, message.pluginId, message.method, message.args);
      case 'load':
        return partitions.load(message.id, message.pluginId, message.code, message.restore);
      case 'unload':
        partitions.unload(message.pluginId);
        return outbox.send({ t: 'ok', id: message.id });
      case 'check':
        return outbox.send({ t: 'ok', id: message.id, value: JSON.stringify(selfCheck()) });
    }
  };

  process.on('message', (batch: HostMessage[]) => {
    for (const message of batch) onHostMessage(message);
  });
  // The host went away: nothing left to serve.
  process.on('disconnect', () => process.exit(0));
  setInterval(() => partitions.check(Date.now()), WATCHDOG_INTERVAL_MS);
  outbox.send({ t: 'ready' });
}
