import { Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { Subscription } from 'rxjs';
import type { GroupEventPointer } from '../events/group-event-listener.js';
import { GroupEventStream } from '../events/group-event-stream.js';
import { PresenceService } from './presence.service.js';
import { RealtimeHub } from './realtime-hub.js';

/** Feeds the instance's group event stream (pointers, reconnects, presence) to the hub. */
@Injectable()
export class RealtimeService implements OnModuleInit, OnApplicationShutdown {
  private subscriptions: Subscription[] = [];

  constructor(
    private readonly stream: GroupEventStream,
    private readonly hub: RealtimeHub,
    private readonly presence: PresenceService,
  ) {}

  onModuleInit(): void {
    this.subscriptions = [
      this.stream.pointer$.subscribe((pointer) => this.onPointer(pointer)),
      this.stream.reconnected$.subscribe(() => void this.hub.catchUpAll()),
      this.stream.presence$.subscribe((payload) => this.presence.received(payload)),
    ];
  }

  onApplicationShutdown(): void {
    for (const subscription of this.subscriptions) subscription.unsubscribe();
  }

  private onPointer(pointer: GroupEventPointer): void {
    if (pointer.deletion) this.hub.groupDeleted(pointer.groupId, pointer.deletion.seq, pointer.deletion.payload);
    else void this.hub.notified(pointer.groupId, pointer.seq);
  }
}
