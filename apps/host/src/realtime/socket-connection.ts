import { randomUUID } from 'node:crypto';
import { REALTIME_CLOSE_CODES, type ServerMessage } from '@cm/contracts';
import type { WebSocket } from 'ws';
import type { RealtimeConnection } from './realtime-hub.js';

/** Limits of one client connection. */
export interface ConnectionLimits {
  /** Bytes queued for sending beyond which the client is cut off as a slow consumer (it can resume). */
  maxBufferedBytes: number;
  /** Messages per second a client may send (token bucket), with this burst. */
  messagesPerSecond: number;
  burst: number;
}

export const CLOSE_SLOW_CONSUMER = REALTIME_CLOSE_CODES.slowConsumer;
export const CLOSE_RATE_LIMITED = REALTIME_CLOSE_CODES.rateLimited;
export const CLOSE_UNAUTHENTICATED = REALTIME_CLOSE_CODES.unauthenticated;
export const CLOSE_TOKEN_EXPIRED = REALTIME_CLOSE_CODES.tokenExpired;

/** A WebSocket wrapped with backpressure, a message rate limit and liveness tracking. */
export class SocketConnection implements RealtimeConnection {
  readonly id = randomUUID();
  alive = true;
  private tokens: number;
  private lastRefill = Date.now();
  private violations = 0;
  private closeTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly socket: WebSocket,
    readonly userId: string,
    private readonly limits: ConnectionLimits,
  ) {
    this.tokens = limits.burst;
  }

  get open(): boolean {
    return this.socket.readyState === this.socket.OPEN;
  }

  send(message: ServerMessage): boolean {
    if (!this.open) return false;
    if (this.socket.bufferedAmount > this.limits.maxBufferedBytes) {
      this.close(CLOSE_SLOW_CONSUMER, 'slow consumer: reconnect and resume from your last seq');
      return false;
    }
    this.socket.send(JSON.stringify(message));
    return true;
  }

  /** Takes one token for an incoming message; false when over the limit (repeated abuse closes the socket). */
  admitMessage(): boolean {
    const now = Date.now();
    this.tokens = Math.min(
      this.limits.burst,
      this.tokens + ((now - this.lastRefill) / 1000) * this.limits.messagesPerSecond,
    );
    this.lastRefill = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return true;
    }
    this.violations += 1;
    if (this.violations > this.limits.burst) this.close(CLOSE_RATE_LIMITED, 'too many messages');
    return false;
  }

  close(code: number, reason: string): void {
    if (this.socket.readyState === this.socket.OPEN || this.socket.readyState === this.socket.CONNECTING)
      this.socket.close(code, reason);
  }

  /** Closes the socket after `ms` (the token's expiry) unless it is disposed first. */
  closeAfter(ms: number, code: number, reason: string): void {
    clearTimeout(this.closeTimer);
    this.closeTimer = setTimeout(() => this.close(code, reason), ms).unref();
  }

  /** Releases what outlives the socket (its expiry timer). */
  dispose(): void {
    clearTimeout(this.closeTimer);
    this.closeTimer = undefined;
  }

  terminate(): void {
    this.socket.terminate();
  }

  ping(): void {
    this.alive = false;
    if (this.open) this.socket.ping();
  }
}
