import type { ServerMessage } from '@cm/contracts';
import WebSocket from 'ws';

/** A real WebSocket client that records every server message and can wait for one. */
export class TestSocket {
  readonly messages: ServerMessage[] = [];
  closed: { code: number; reason: string } | undefined;
  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data: Buffer) => this.messages.push(JSON.parse(data.toString('utf8')) as ServerMessage));
    socket.on('close', (code, reason) => (this.closed = { code, reason: reason.toString() }));
    socket.on('error', () => undefined);
  }

  /** Connects to `/v1/ws` of a host with an access token. */
  static async connect(baseUrl: string, token: string, options: WebSocket.ClientOptions = {}): Promise<TestSocket> {
    const socket = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/v1/ws?token=${encodeURIComponent(token)}`, options);
    const client = new TestSocket(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
      socket.once('close', () => resolve());
    });
    return client;
  }

  send(message: unknown): void {
    this.socket.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  subscribe(groupId: string, lastSeq?: number): void {
    this.send({ type: 'subscribe', groups: [lastSeq === undefined ? { groupId } : { groupId, lastSeq }] });
  }

  /** Group events received, optionally of one group and type (presence excluded unless asked). */
  events(groupId?: string, type?: string): Extract<ServerMessage, { type: 'event' }>['event'][] {
    return this.messages
      .filter((message): message is Extract<ServerMessage, { type: 'event' }> => message.type === 'event')
      .map((message) => message.event)
      .filter(
        (event) =>
          (groupId === undefined || event.groupId === groupId) &&
          (type === undefined ? event.type !== 'presence.changed' : event.type === type),
      );
  }

  /** Waits until a message matches, returning it. */
  async waitFor<T extends ServerMessage>(predicate: (message: ServerMessage) => boolean, timeoutMs = 5000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const found = this.messages.find(predicate);
      if (found) return found as T;
      await sleep(10);
    }
    throw new Error(`No matching message within ${timeoutMs} ms; got ${JSON.stringify(this.messages.slice(-5))}`);
  }

  /** Waits until `count` non-presence events of a group have arrived. */
  async waitForEvents(
    groupId: string,
    count: number,
    timeoutMs = 5000,
  ): Promise<Extract<ServerMessage, { type: 'event' }>['event'][]> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const events = this.events(groupId);
      if (events.length >= count) return events;
      await sleep(10);
    }
    throw new Error(`Expected ${count} events of ${groupId}, got ${this.events(groupId).length}`);
  }

  /**
   * A ping answered: everything the server sent this socket before it has arrived (one socket keeps order).
   * With a witness socket on the same instance having received an event, this shows one was not sent here.
   */
  async roundTrip(timeoutMs = 5000): Promise<void> {
    const pongs = this.messages.filter((message) => message.type === 'pong').length;
    this.send({ type: 'ping' });
    const deadline = Date.now() + timeoutMs;
    while (this.messages.filter((message) => message.type === 'pong').length <= pongs) {
      if (Date.now() > deadline) throw new Error('no pong');
      await sleep(10);
    }
  }

  async waitForClose(timeoutMs = 5000): Promise<{ code: number; reason: string }> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.closed) return this.closed;
      await sleep(10);
    }
    throw new Error('socket did not close');
  }

  close(): void {
    this.socket.close();
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
