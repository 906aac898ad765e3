import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Subject, type Observable } from 'rxjs';
import { APP_CONFIG } from '../config/config.module.js';
import type { ResolvedConfig } from '../config/app-config.js';
import { GroupEventListener, type GroupEventPointer } from './group-event-listener.js';
import { GroupEventReader } from './group-event-reader.js';
import { PresenceService } from './presence.service.js';
import { RealtimeHub } from './realtime-hub.js';

const PRUNE_EVERY_MS = 10 * 60_000;

/** Connects the instance's LISTEN connection to the hub and keeps the event log bounded. */
@Injectable()
export class RealtimeService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(RealtimeService.name);
  readonly listener: GroupEventListener;
  private readonly pointers = new Subject<GroupEventPointer>();
  private readonly reconnects = new Subject<void>();
  private pruneTimer: NodeJS.Timeout | undefined;

  constructor(
    @Inject(APP_CONFIG) private readonly config: ResolvedConfig,
    private readonly hub: RealtimeHub,
    private readonly reader: GroupEventReader,
    private readonly presence: PresenceService,
  ) {
    this.listener = new GroupEventListener(config.databaseUrl, {
      onPointer: (pointer) => {
        this.onPointer(pointer);
        this.pointers.next(pointer);
      },
      onConnected: () => {
        void this.hub.catchUpAll();
        this.reconnects.next();
      },
      onPresence: (payload) => this.presence.received(payload),
    });
  }

  /** Every NOTIFY pointer this instance receives (one LISTEN connection per instance serves every reader). */
  get pointer$(): Observable<GroupEventPointer> {
    return this.pointers.asObservable();
  }

  /** Emits after each reconnect of the LISTEN connection: NOTIFY is not durable, readers catch up from the table. */
  get reconnected$(): Observable<void> {
    return this.reconnects.asObservable();
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
  }

  async prune(): Promise<number> {
    const removed = await this.reader.prune(this.config.realtime.retainedEvents).catch((error: Error) => {
      this.logger.warn(`Pruning group events failed: ${error.message}`);
      return 0;
    });
    if (removed > 0) this.logger.log(`Pruned ${removed} old group events`);
    return removed;
  }

  private onPointer(pointer: GroupEventPointer): void {
    if (pointer.deletion) this.hub.groupDeleted(pointer.groupId, pointer.deletion.seq, pointer.deletion.payload);
    else void this.hub.notified(pointer.groupId, pointer.seq);
  }
}
