import { Inject, Logger, type OnModuleDestroy } from '@nestjs/common';
import { WebSocketGateway, type OnGatewayConnection, type OnGatewayDisconnect } from '@nestjs/websockets';
import { parseClientMessage, REALTIME_CLOSE_CODES, type ClientMessage } from '@cm/contracts';
import { decodeJwt } from 'jose';
import type { IncomingMessage } from 'node:http';
import type { WebSocket } from 'ws';
import { AccessTokenService } from '../auth/access-token.service.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { ResolvedConfig } from '../config/app-config.js';
import { GroupAccessService } from '../groups/group-access.service.js';
import { PresenceService } from './presence.service.js';
import { RealtimeHub } from './realtime-hub.js';
import { CLOSE_TOKEN_EXPIRED, CLOSE_UNAUTHENTICATED, SocketConnection } from './socket-connection.js';

const MAX_MESSAGE_BYTES = 16 * 1024;

/**
 * WebSocket at /v1/ws, authenticated with the access token (`?token=`). Clients subscribe to groups they are
 * members of, each with the last seq they saw, and receive what they missed, then live events.
 */
@WebSocketGateway({ path: '/v1/ws', maxPayload: MAX_MESSAGE_BYTES })
export class RealtimeGateway implements OnGatewayConnection, OnGatewayDisconnect, OnModuleDestroy {
  private readonly logger = new Logger(RealtimeGateway.name);
  private readonly connections = new Map<WebSocket, SocketConnection>();
  private readonly heartbeat: NodeJS.Timeout;

  constructor(
    private readonly tokens: AccessTokenService,
    private readonly hub: RealtimeHub,
    private readonly access: GroupAccessService,
    private readonly presence: PresenceService,
    @Inject(APP_CONFIG) private readonly config: ResolvedConfig,
  ) {
    this.heartbeat = setInterval(() => this.checkLiveness(), config.realtime.heartbeatMs).unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.heartbeat);
    for (const connection of this.connections.values())
      connection.close(REALTIME_CLOSE_CODES.goingAway, 'server shutting down');
  }

  async handleConnection(socket: WebSocket, request: IncomingMessage): Promise<void> {
    const queued: Buffer[] = [];
    socket.on('message', (data: Buffer) => queued.push(data));
    socket.on('error', () => undefined);
    const token = new URL(request.url ?? '/', 'http://host').searchParams.get('token') ?? '';
    const claims = await this.tokens.verify(token).catch(() => undefined);
    // The client may have gone while its token was verified: its disconnect has already run, so it must not
    // be registered now (it would stay in the map, with its expiry timer, for the token's lifetime).
    if (socket.readyState !== socket.OPEN) return;
    if (!claims) {
      socket.close(CLOSE_UNAUTHENTICATED, 'a valid access token is required');
      return;
    }
    const connection = new SocketConnection(socket, claims.sub, this.config.realtime);
    this.connections.set(socket, connection);
    // One client's messages are handled strictly in order (a subscribe then an unsubscribe must not swap).
    let previous: Promise<void> = Promise.resolve();
    const enqueue = (data: Buffer): void => {
      previous = previous.then(() => this.onMessage(connection, data));
    };
    socket.removeAllListeners('message');
    socket.on('message', enqueue);
    socket.on('pong', () => (connection.alive = true));
    this.closeAtExpiry(connection, token);
    queued.forEach(enqueue);
  }

  handleDisconnect(socket: WebSocket): void {
    const connection = this.connections.get(socket);
    if (!connection) return;
    this.connections.delete(socket);
    connection.dispose();
    const groups = this.hub.groupsOf(connection.id);
    this.hub.disconnect(connection.id);
    for (const groupId of groups) void this.presence.localChanged(groupId);
  }

  private async onMessage(connection: SocketConnection, data: Buffer): Promise<void> {
    if (!connection.admitMessage()) {
      connection.send({ type: 'error', code: 'rate_limited', message: 'Too many messages; slow down' });
      return;
    }
    let json: unknown;
    try {
      json = JSON.parse(data.toString('utf8'));
    } catch {
      connection.send({ type: 'error', code: 'bad_message', message: 'Messages must be JSON' });
      return;
    }
    const message = parseClientMessage(json);
    if ('error' in message) {
      connection.send({ type: 'error', code: 'bad_message', message: message.error });
      return;
    }
    try {
      await this.dispatch(connection, message);
    } catch (error) {
      this.logger.warn(`Handling a ${message.type} message failed: ${(error as Error).message}`);
      connection.send({
        type: 'error',
        code: 'internal_error',
        message: 'The server could not handle that message; retry',
      });
    }
  }

  private async dispatch(connection: SocketConnection, message: ClientMessage): Promise<void> {
    if (message.type === 'ping') {
      connection.send({ type: 'pong' });
      return;
    }
    if (message.type === 'unsubscribe') {
      for (const groupId of message.groupIds) {
        this.hub.unsubscribe(connection.id, groupId);
        await this.presence.localChanged(groupId);
      }
      return;
    }
    const requested = message.groups.map((group) => group.groupId);
    const allowed = await this.access.memberGroupIds(connection.userId, requested);
    for (const { groupId, lastSeq } of message.groups) {
      if (!allowed.has(groupId)) {
        // Not a member and not existing answer alike.
        connection.send({ type: 'error', code: 'not_found', message: `Group ${groupId} not found`, groupId });
        continue;
      }
      await this.hub.subscribe(connection, groupId, lastSeq);
      this.presence.sendSnapshot(connection.id, groupId);
      await this.presence.localChanged(groupId);
    }
  }

  private closeAtExpiry(connection: SocketConnection, token: string): void {
    const { exp } = decodeJwt(token);
    if (typeof exp !== 'number') return;
    connection.closeAfter(
      Math.max(0, exp * 1000 - Date.now()),
      CLOSE_TOKEN_EXPIRED,
      'access token expired: reconnect with a fresh one',
    );
  }

  /** Open connections this instance tracks (what a leak would grow). */
  get connectionCount(): number {
    return this.connections.size;
  }

  private checkLiveness(): void {
    for (const connection of this.connections.values()) {
      if (!connection.alive) connection.terminate();
      else connection.ping();
    }
  }
}
