import { Logger } from '@nestjs/common';
import pg from 'pg';
import { GROUP_EVENTS_CHANNEL } from './group-event-log.js';

/** A NOTIFY on channel `group_events`: group `g` reached seq `s` (or was deleted). */
export interface GroupEventPointer {
  groupId: string;
  seq: number;
  /** Set when the group was deleted: its log is gone, so the `group.deleted` event travels inline. */
  deletion?: { seq: number; payload: unknown };
}

export interface ListenerHandlers {
  onPointer(pointer: GroupEventPointer): void;
  /** Called after every (re)connect: anything may have been missed while disconnected. */
  onConnected(): void;
  /** Transient, unlogged messages on the presence channel. */
  onPresence(payload: string): void;
}

export const PRESENCE_CHANNEL = 'group_presence';

const HEARTBEAT_MS = 15_000;
const HEARTBEAT_TIMEOUT_MS = 5_000;

/**
 * The instance's dedicated LISTEN connection (never a pooled one: the pool would close it). It reconnects with
 * jittered backoff and reports every reconnect so the hub catches up from the table: NOTIFY itself is not durable.
 */
export class GroupEventListener {
  private readonly logger = new Logger(GroupEventListener.name);
  private client: pg.Client | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private attempt = 0;
  private stopped = false;

  constructor(
    private readonly databaseUrl: string,
    private readonly handlers: ListenerHandlers,
  ) {}

  /** The backend PID of the current LISTEN connection (tests terminate it to simulate a drop). */
  get backendPid(): number | undefined {
    return (this.client as unknown as { processID?: number } | undefined)?.processID;
  }

  get connected(): boolean {
    return this.client !== undefined;
  }

  async start(): Promise<void> {
    await this.connect().catch(() => this.scheduleReconnect());
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    await this.drop();
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({
      connectionString: this.databaseUrl,
      keepAlive: true,
      connectionTimeoutMillis: 3000,
    });
    client.on('error', (error) => this.onConnectionLost(client, error));
    client.on('end', () => this.onConnectionLost(client, new Error('connection ended')));
    client.on('notification', (message) => this.onNotification(message.channel, message.payload ?? ''));
    try {
      await client.connect();
      await client.query(`LISTEN ${GROUP_EVENTS_CHANNEL}`);
      await client.query(`LISTEN ${PRESENCE_CHANNEL}`);
    } catch (error) {
      client.removeAllListeners('end');
      await client.end().catch(() => undefined);
      throw error;
    }
    if (this.stopped) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.attempt = 0;
    this.heartbeat = setInterval(() => void this.beat(client), HEARTBEAT_MS).unref();
    this.logger.log('Listening for group events');
    this.handlers.onConnected();
  }

  private onNotification(channel: string, payload: string): void {
    if (channel === PRESENCE_CHANNEL) {
      this.handlers.onPresence(payload);
      return;
    }
    const pointer = parsePointer(payload);
    if (pointer) this.handlers.onPointer(pointer);
    else this.logger.warn(`Ignoring malformed ${GROUP_EVENTS_CHANNEL} payload`);
  }

  /** Half-open TCP connections emit nothing: a query with a deadline detects them. */
  private async beat(client: pg.Client): Promise<void> {
    const timeout = setTimeout(
      () => this.onConnectionLost(client, new Error('heartbeat timed out')),
      HEARTBEAT_TIMEOUT_MS,
    );
    try {
      await client.query('SELECT 1');
    } catch (error) {
      this.onConnectionLost(client, error as Error);
    } finally {
      clearTimeout(timeout);
    }
  }

  private onConnectionLost(client: pg.Client, error: Error): void {
    if (client !== this.client) return;
    this.logger.warn(`LISTEN connection lost (${error.message}); reconnecting`);
    void this.drop().then(() => this.scheduleReconnect());
  }

  private async drop(): Promise<void> {
    clearInterval(this.heartbeat);
    const client = this.client;
    this.client = undefined;
    if (client) {
      client.removeAllListeners('end');
      await client.end().catch(() => undefined);
    }
  }

  private scheduleReconnect(): void {
    if (this.stopped) return;
    this.attempt += 1;
    const base = Math.min(5000, 100 * 2 ** Math.min(this.attempt, 6));
    const delay = base / 2 + Math.random() * (base / 2);
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(() => {
      this.connect().catch((error: Error) => {
        this.logger.warn(`LISTEN reconnect failed: ${error.message}`);
        this.scheduleReconnect();
      });
    }, delay);
  }
}

function parsePointer(payload: string): GroupEventPointer | undefined {
  try {
    const parsed = JSON.parse(payload) as { g?: unknown; s?: unknown; deleted?: unknown; p?: unknown };
    if (typeof parsed.g !== 'string' || typeof parsed.s !== 'number') return undefined;
    const pointer: GroupEventPointer = { groupId: parsed.g, seq: parsed.s };
    if (parsed.deleted === true) pointer.deletion = { seq: parsed.s, payload: parsed.p ?? {} };
    return pointer;
  } catch {
    return undefined;
  }
}
