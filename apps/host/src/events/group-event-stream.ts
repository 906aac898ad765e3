import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Subject, type Observable } from 'rxjs';
import { APP_CONFIG } from '../config/config.module.js';
import type { ResolvedConfig } from '../config/app-config.js';
import { GroupEventListener, type GroupEventPointer } from './group-event-listener.js';
import { GroupEventReader } from './group-event-reader.js';

const PRUNE_EVERY_MS = 10 * 60_000;

/**
 * The instance's view of the group event log as it grows: one LISTEN connection per instance, shared by every
 * reader (the WebSocket hub, the feature-event dispatcher), plus the periodic pruning that keeps the log bounded.
 */
@Injectable()
export class GroupEventStream implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(GroupEventStream.name);
  readonly listener: GroupEventListener;
  private readonly pointers = new Subject<GroupEventPointer>();
  private readonly reconnects = new Subject<void>();
  private readonly presence = new Subject<string>();
  private pruneTimer: NodeJS.Timeout | undefined;

  constructor(
    @Inject(APP_CONFIG) private readonly config: ResolvedConfig,
    private readonly reader: GroupEventReader,
  ) {
    this.listener = new GroupEventListener(config.databaseUrl, {
      onPointer: (pointer) => this.pointers.next(pointer),
      onConnected: () => this.reconnects.next(),
      onPresence: (payload) => this.presence.next(payload),
    });
  }

  /** Every NOTIFY pointer ("group g reached seq s", or its deletion) this instance receives. */
  get pointer$(): Observable<GroupEventPointer> {
    return this.pointers.asObservable();
  }

  /** Emits after each (re)connect of the LISTEN connection: NOTIFY is not durable, readers catch up from the table. */
  get reconnected$(): Observable<void> {
    return this.reconnects.asObservable();
  }

  /** Raw payloads of the ephemeral presence channel (never stored in the log). */
  get presence$(): Observable<string> {
    return this.presence.asObservable();
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.listener.start();
    this.pruneTimer = setInterval(() => void this.prune(), PRUNE_EVERY_MS).unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.pruneTimer);
    await this.listener.stop();
    this.pointers.complete();
    this.reconnects.complete();
    this.presence.complete();
  }

  /** Deletes events beyond the retained number per group; returns how many went. */
  async prune(): Promise<number> {
    const removed = await this.reader.prune(this.config.realtime.retainedEvents).catch((error: Error) => {
      this.logger.warn(`Pruning group events failed: ${error.message}`);
      return 0;
    });
    if (removed > 0) this.logger.log(`Pruned ${removed} old group events`);
    return removed;
  }
}
