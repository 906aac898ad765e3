import { isEphemeralEvent, type AnyGroupEvent, type ResyncReason, type UnsubscribeReason } from '@cm/contracts';
import { reportError } from './readable.js';

/** Why the server ended a watch: the user was removed or left, the group was deleted, or it is not (any more) theirs. */
export type WatchEndReason = UnsubscribeReason | 'not_found';

/** What a watcher of one group is told. */
export interface WatchOptions {
  /** The last seq the state on screen reflects (e.g. `GroupDto.eventSeq` from the same fetch); events after it follow. */
  lastSeq?: number;
  /** Each logged event once, in seq order, without gaps; ephemeral ones (`presence.changed`) as they come. */
  onEvent: (event: AnyGroupEvent) => void;
  /**
   * The client is too far behind (or ahead) to replay: refetch the group's state over HTTP and return the
   * `eventSeq` of that fetch; events after it are delivered next (events that came meanwhile are held until then).
   */
  onResync?: (reason: ResyncReason) => Promise<number | void> | number | void;
  /** The server ended the subscription (removed, left, group deleted, not found): nothing more comes for this group. */
  onUnsubscribed?: (reason: WatchEndReason) => void;
}

/** What a GroupWatch asks of the connection. */
export interface WatchLink {
  /** (Re)subscribes the watch's group from the last seq its watchers saw, on the current socket. */
  resubscribe(watch: GroupWatch): void;
}

/**
 * The bookkeeping of one watched group: the last seq delivered, duplicates dropped, a gap answered by
 * resubscribing from the last seq, and events held while the caller refetches after `resync_required`.
 */
export class GroupWatch {
  private last: number | undefined;
  private resyncing = false;
  private held: AnyGroupEvent[] = [];
  private subscribedSeq: number | undefined;
  private awaitingReplay = false;
  private resyncs = 0;

  constructor(
    readonly groupId: string,
    private readonly options: WatchOptions,
    private readonly link: WatchLink,
  ) {
    this.last = options.lastSeq;
  }

  /** The last seq delivered (undefined before the first `subscribed`). */
  get lastSeq(): number | undefined {
    return this.last;
  }

  /** A new subscription is on its way (a fresh socket, or a resubscribe). */
  subscribing(): void {
    this.subscribedSeq = undefined;
  }

  /** The server confirmed a subscription; `seq` is the group's current seq (a replay after `lastSeq` follows). */
  subscribed(seq: number): void {
    this.subscribedSeq = seq;
    this.awaitingReplay = false;
    if (this.last === undefined && !this.resyncing) this.last = seq;
  }

  event(event: AnyGroupEvent): void {
    if (isEphemeralEvent(event)) return this.deliver(event);
    if (this.resyncing) {
      this.held.push(event);
      return;
    }
    if (this.last === undefined) this.last = event.seq - 1;
    if (event.seq <= this.last) return;
    if (event.seq > this.last + 1) {
      // The server's log has no gaps, so one seen here is a lost message: replay from what we have.
      if (!this.awaitingReplay) {
        this.awaitingReplay = true;
        this.link.resubscribe(this);
      }
      return;
    }
    this.last = event.seq;
    this.deliver(event);
  }

  resyncRequired(reason: ResyncReason): void {
    this.resyncing = true;
    this.held = [];
    this.last = undefined;
    this.subscribedSeq = undefined;
    this.resyncs += 1;
    void this.runResync(reason, this.resyncs);
  }

  ended(reason: WatchEndReason): void {
    try {
      this.options.onUnsubscribed?.(reason);
    } catch (error) {
      reportError(error);
    }
  }

  private async runResync(reason: ResyncReason, generation: number): Promise<void> {
    let seq: number | void = undefined;
    try {
      seq = await this.options.onResync?.(reason);
    } catch (error) {
      reportError(error);
    }
    if (generation !== this.resyncs) return; // a newer resync_required superseded this one
    this.resyncing = false;
    this.last = typeof seq === 'number' ? seq : this.subscribedSeq;
    const held = this.held;
    this.held = [];
    for (const event of held) this.event(event);
  }

  private deliver(event: AnyGroupEvent): void {
    try {
      this.options.onEvent(event);
    } catch (error) {
      reportError(error);
    }
  }
}
