import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyInstance, FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify';
import { PROBLEM_STATUS, type DomainErrorCode } from './domain-error.js';
import { problem, PROBLEM_CONTENT_TYPE } from './problem.js';

/** A refused request body is read (and discarded) up to this much, so the client can finish sending and see the answer. */
const DRAIN_LIMIT_BYTES = 32 * 1024 * 1024;
/** …and for at most this long. */
const DRAIN_TIMEOUT_MS = 5000;

/**
 * Fastify options so that its own refusals are problem documents too: a bad percent-encoding (400), a path
 * parameter longer than the router takes (414), and what Node's HTTP parser refuses before Fastify sees a
 * request (431 headers too large, 408 timeout, 400 malformed HTTP).
 */
export function problemServerOptions(): Pick<FastifyServerOptions, 'frameworkErrors' | 'clientErrorHandler'> {
  return {
    frameworkErrors: (error, _request, reply) => {
      const code: DomainErrorCode = error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 'uri_too_long' : 'bad_request';
      const detail =
        code === 'uri_too_long'
          ? 'A segment of the URL is too long'
          : error.code === 'FST_ERR_BAD_URL'
            ? 'The URL is not valid (malformed percent-encoding)'
            : 'The request could not be routed';
      sendProblem(reply, code, detail);
    },
    clientErrorHandler: (error: Error & { code?: string }, socket: Socket) => answerClientError(error, socket),
  };
}

/** Sockets already answered: Node reports every later chunk of a broken request as another parse error. */
const answered = new WeakSet<Socket>();
/** How long a refused connection is kept reading (and discarding) so that its client can read the answer. */
const LINGER_MS = 2000;

/**
 * Answers what Node's HTTP parser refused with a problem, then half-closes and keeps discarding input for a
 * moment: destroying a socket with unread bytes resets the connection, and a client still sending (a 40 KiB
 * URL) would see ECONNRESET instead of the 431.
 */
function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed || answered.has(socket)) return;
  answered.add(socket);
  const [code, detail]: [DomainErrorCode, string] =
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? ['request_timeout', 'The request took too long to arrive']
      : error.code === 'HPE_HEADER_OVERFLOW'
        ? ['request_header_fields_too_large', 'The request line and headers exceed 16 KiB']
        : ['bad_request', 'The request is not valid HTTP'];
  // Like Node's own handler: not into a response that has started (a kept-alive socket may have carried
  // earlier, complete ones; Node tracks the in-flight response as `_httpMessage`).
  const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } | null })._httpMessage;
  if (!socket.writable || inFlight?.headersSent) {
    socket.destroy(error);
    return;
  }
  const status = PROBLEM_STATUS[code];
  const body = JSON.stringify(problem(status, code, detail));
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
  const timer = setTimeout(() => socket.destroy(), LINGER_MS).unref();
  socket.once('end', () => socket.destroy());
  socket.once('close', () => clearTimeout(timer));
}

function sendProblem(reply: FastifyReply, code: DomainErrorCode, detail: string): void {
  void reply
    .code(PROBLEM_STATUS[code])
    .type(PROBLEM_CONTENT_TYPE)
    .send(problem(PROBLEM_STATUS[code], code, detail));
}

/**
 * Refusals that arrive before the body was read (413 on Content-Length, 415, 401 on an upload, …) wait
 * until the client has sent it: Fastify then closes the connection, and closing a socket with unread bytes
 * sends a TCP reset, which makes a client that is still writing see EPIPE instead of the answer. The rest of
 * the body is read and discarded (bounded in size and time), then the problem is sent.
 */
export function installRefusedBodyDrain(fastify: FastifyInstance): void {
  fastify.addHook('onSend', async (request, _reply, payload) => {
    const raw = request.raw;
    if (raw.complete || !hasBody(raw)) return payload;
    await drain(raw);
    return payload;
  });
}

function hasBody(raw: IncomingMessage): boolean {
  const length = raw.headers['content-length'];
  return raw.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

function drain(raw: IncomingMessage): Promise<void> {
  return new Promise((resolve) => {
    let read = 0;
    const done = (): void => {
      clearTimeout(timer);
      raw.off('data', onData).off('end', done).off('error', done).off('close', done);
      resolve();
    };
    const onData = (chunk: Buffer): void => {
      read += chunk.length;
      if (read > DRAIN_LIMIT_BYTES) done();
    };
    const timer = setTimeout(done, DRAIN_TIMEOUT_MS);
    raw.on('data', onData).once('end', done).once('error', done).once('close', done);
    raw.resume();
  });
}

/**
 * While the host shuts down, new requests get 503 as a problem document (Fastify's own `return503OnClosing`
 * answers plain JSON, so it is off and this hook does the same).
 */
export function installClosingRefusal(fastify: FastifyInstance): void {
  let closing = false;
  fastify.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  fastify.addHook('onRequest', async (_request, reply) => {
    if (!closing) return;
    void reply.header('connection', 'close');
    sendProblem(reply, 'shutting_down', 'The host is shutting down, try again shortly');
    return reply;
  });
}

/** The host's routes by method, for 405 answers (Fastify answers a known path with another method as 404). */
const routeTables = new WeakMap<FastifyInstance, Array<{ method: string; pattern: RegExp }>>();

/** Records every route as it is registered (call before the routes are added). */
export function installRouteTable(fastify: FastifyInstance): void {
  const table: Array<{ method: string; pattern: RegExp }> = [];
  routeTables.set(fastify, table);
  fastify.addHook('onRoute', (route) => {
    // CORS preflight (`OPTIONS *`) and catch-alls would make every path look known.
    if (route.url === '*' || route.url === '/*') return;
    for (const method of Array.isArray(route.method) ? route.method : [route.method]) {
      if (method !== 'OPTIONS') table.push({ method, pattern: routePattern(route.url) });
    }
  });
}

/** The methods the host serves at a concrete path (empty when the path itself is unknown). */
export function allowedMethods(request: FastifyRequest): string[] {
  const table = routeTables.get(request.server) ?? [];
  const path = request.url.split('?')[0];
  return [...new Set(table.filter((route) => route.pattern.test(path)).map((route) => route.method))].sort();
}

function routePattern(url: string): RegExp {
  const source = url
    .split('/')
    .map((segment) =>
      segment === '*'
        ? '.*'
        : segment.startsWith(':')
          ? '[^/]+'
          : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\\\*/g, '.*'),
    )
    .join('/');
  return new RegExp(`^${source}/?$`);
}
