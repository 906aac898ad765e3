import type { AddressInfo } from 'node:net';
import type { AnyGroupEvent, ClientMessage, GroupEvent, ServerMessage } from '@cm/contracts';
import { WebSocketServer, type WebSocket } from 'ws';

/**
 * A scripted stand-in for the host's `/v1/ws` gateway for unit tests (the integration tests use the real one):
 * per-group logs with gap-free seqs, subscribe with replay after `lastSeq`, `resync_required` beyond the
 * retained log, and hooks to drop or close sockets with the gateway's close codes.
 */
export class FakeGateway {
  readonly sockets = new Set<WebSocket>();
  /** Every client message received, with the token of its socket. */
  readonly received: Array<{ token: string; message: ClientMessage }> = [];
  /** Tokens of the connections, in order. */
  readonly connections: string[] = [];
  private readonly logs = new Map<string, AnyGroupEvent[]>();
  private readonly subscriptions = new Map<WebSocket, Set<string>>();
  /** Events older than this (per group) are no longer retained: a lastSeq before it gets resync_required. */
  oldestRetained = new Map<string, number>();
  private server!: WebSocketServer;

  async start(): Promise<string> {
    this.server = new WebSocketServer({ port: 0, host: '127.0.0.1', path: '/v1/ws' });
    await new Promise<void>((resolve) => this.server.once('listening', () => resolve()));
    this.server.on('connection', (socket, request) => {
      const token = new URL(request.url ?? '/', 'http://x').searchParams.get('token') ?? '';
      this.connections.push(token);
      this.sockets.add(socket);
      this.subscriptions.set(socket, new Set());
      socket.on('message', (data: Buffer) =>
        this.onMessage(socket, token, JSON.parse(data.toString()) as ClientMessage),
      );
      socket.on('close', () => {
        this.sockets.delete(socket);
        this.subscriptions.delete(socket);
      });
    });
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.terminate();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Appends an event to a group's log and pushes it to its subscribers; returns its seq. */
  publish(groupId: string, userId = 'someone'): number {
    const log = this.logs.get(groupId) ?? [];
    const event: GroupEvent<'member.left'> = {
      groupId,
      seq: log.length + 1,
      type: 'member.left',
      payload: { userId },
      createdAt: new Date().toISOString(),
    };
    log.push(event);
    this.logs.set(groupId, log);
    for (const [socket, groups] of this.subscriptions) if (groups.has(groupId)) send(socket, { type: 'event', event });
    return event.seq;
  }

  seq(groupId: string): number {
    return this.logs.get(groupId)?.length ?? 0;
  }

  /** Sends a raw server message to every socket. */
  broadcast(message: ServerMessage): void {
    for (const socket of this.sockets) send(socket, message);
  }

  /** Closes every socket with a close code (4402, 4008, …). */
  closeAll(code: number, reason = 'test'): void {
    for (const socket of this.sockets) socket.close(code, reason);
  }

  /** Drops every socket without a close frame (a lost network). */
  dropAll(): void {
    for (const socket of this.sockets) socket.terminate();
  }

  private onMessage(socket: WebSocket, token: string, message: ClientMessage): void {
    this.received.push({ token, message });
    if (message.type === 'ping') return send(socket, { type: 'pong' });
    if (message.type === 'unsubscribe') {
      for (const id of message.groupIds) this.subscriptions.get(socket)?.delete(id);
      return;
    }
    for (const { groupId, lastSeq } of message.groups) this.subscribeOne(socket, groupId, lastSeq);
  }

  private subscribeOne(socket: WebSocket, groupId: string, lastSeq: number | undefined): void {
    const log = this.logs.get(groupId) ?? [];
    const tooOld = lastSeq !== undefined && lastSeq < (this.oldestRetained.get(groupId) ?? 1) - 1;
    const ahead = lastSeq !== undefined && lastSeq > log.length;
    if (tooOld || ahead) {
      send(socket, { type: 'resync_required', groupId, reason: tooOld ? 'too_far_behind' : 'seq_ahead' });
      lastSeq = undefined;
    }
    this.subscriptions.get(socket)?.add(groupId);
    send(socket, { type: 'subscribed', groupId, seq: log.length });
    for (const event of log.slice(lastSeq ?? log.length)) send(socket, { type: 'event', event });
  }
}

function send(socket: WebSocket, message: ServerMessage): void {
  if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
}

/** A JWT-shaped token (unsigned) with the given lifetime, as the realtime client reads `iat`/`exp` from it. */
export function fakeJwt(lifetimeSeconds: number, id: number): string {
  const now = Math.floor(Date.now() / 1000);
  const part = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none' })}.${part({ sub: 'u1', iat: now, exp: now + lifetimeSeconds, jti: id })}.sig`;
}

/** A session stand-in that hands out fake JWTs and counts refreshes. */
export class FakeSession {
  refreshes = 0;
  status: 'authenticated' | 'anonymous' = 'authenticated';
  /** When false, refresh() ends the login (resolves null). */
  canRefresh = true;
  private token: string;
  private readonly listeners = new Set<(state: { status: string }) => void>();

  constructor(private readonly lifetimeSeconds = 900) {
    this.token = fakeJwt(lifetimeSeconds, 0);
  }

  get current(): string {
    return this.token;
  }

  async getAccessToken(): Promise<string | null> {
    return this.status === 'authenticated' ? this.token : null;
  }

  async refresh(replacing?: string | null): Promise<string | null> {
    if (replacing !== undefined && replacing !== this.token) return this.token;
    if (!this.canRefresh) {
      this.setStatus('anonymous');
      return null;
    }
    this.refreshes += 1;
    this.token = fakeJwt(this.lifetimeSeconds, this.refreshes);
    return this.token;
  }

  subscribe(listener: (state: { status: string }) => void): () => void {
    this.listeners.add(listener);
    listener({ status: this.status });
    return () => this.listeners.delete(listener);
  }

  setStatus(status: 'authenticated' | 'anonymous'): void {
    this.status = status;
    for (const listener of this.listeners) listener({ status });
  }
}
