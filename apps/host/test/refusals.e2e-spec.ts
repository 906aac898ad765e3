import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  assignedCharacter,
  groupWith,
  registerVerifiedUser,
  startCampaignHost,
  type CampaignHost,
  type TestUser,
} from './support/users.js';

interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: Record<string, any>;
  /** A socket error seen while writing or reading (EPIPE, ECONNRESET), if any. */
  error?: string;
}

/**
 * Every refusal, from any layer (Node's HTTP parser, Fastify's router and body reader, Nest), is an RFC 9457
 * problem document whose `status` is the response's, and a refused upload is answered, not cut off.
 */
describe('refusals from every layer are problem documents', () => {
  let ctx: CampaignHost;
  let owner: TestUser;

  beforeAll(async () => {
    ctx = await startCampaignHost(['generic']);
    owner = await registerVerifiedUser(ctx.http, ctx.smtp, 'Refusal Owner');
  }, 60_000);

  afterAll(async () => {
    await ctx?.stop();
  });

  /**
   * A raw HTTP/1.1 request that writes the whole body before reading anything, as simple clients do: if the
   * host closed the connection with bytes unread, the client sees EPIPE or a reset instead of the answer.
   */
  function raw(head: string, bodyBytes = 0): Promise<RawAnswer> {
    const { port } = new URL(ctx.host.url);
    return new Promise((resolve) => {
      const socket = net.connect(Number(port), '127.0.0.1');
      const chunks: Buffer[] = [];
      let error: string | undefined;
      socket.on('data', (chunk: Buffer) => chunks.push(chunk));
      socket.on('error', (failure: NodeJS.ErrnoException) => (error ??= failure.code ?? failure.message));
      socket.on('close', () => resolve(parse(Buffer.concat(chunks).toString('utf8'), error)));
      socket.write(head);
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      let sent = 0;
      const pump = (): void => {
        while (sent < bodyBytes) {
          const part = chunk.subarray(0, Math.min(chunk.length, bodyBytes - sent));
          sent += part.length;
          if (!socket.write(part)) {
            socket.once('drain', pump);
            return;
          }
        }
        socket.end();
      };
      pump();
    });
  }

  function parse(text: string, error: string | undefined): RawAnswer {
    const [head = '', ...rest] = text.split('\r\n\r\n');
    const [statusLine = '', ...lines] = head.split('\r\n');
    const headers = Object.fromEntries(
      lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]),
    );
    const body = rest.join('\r\n\r\n');
    return { status: Number(statusLine.split(' ')[1] ?? 0), headers, body: parseJson(body), error };
  }

  function parseJson(body: string): Record<string, any> {
    try {
      return body ? (JSON.parse(body) as Record<string, any>) : {};
    } catch {
      return { unparsed: body };
    }
  }

  function expectProblem(
    answer: { status: number; headers: Record<string, string>; body: Record<string, any> },
    status: number,
    code: string,
  ): void {
    expect({
      status: answer.status,
      type: answer.headers['content-type'],
      code: answer.body.code,
      bodyStatus: answer.body.status,
    }).toEqual({
      status,
      type: expect.stringContaining('application/problem+json'),
      code,
      bodyStatus: status,
    });
    expect(answer.body.type).toBe(`/problems/${code.replace(/_/g, '-')}`);
  }

  async function get(
    path: string,
    init: RequestInit = {},
  ): Promise<{ status: number; headers: Record<string, string>; body: Record<string, any> }> {
    const response = await fetch(`${ctx.host.url}${path}`, init);
    return {
      status: response.status,
      headers: Object.fromEntries(response.headers.entries()),
      body: (await response.json()) as Record<string, any>,
    };
  }

  it('answers a path segment beyond the router limit with 414 and a request line beyond 16 KiB with 431', async () => {
    expectProblem(await get(`/v1/groups/${'a'.repeat(5000)}`), 414, 'uri_too_long');
    const huge = await raw(`GET /v1/${'a'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`);
    expectProblem(huge, 431, 'request_header_fields_too_large');
  });

  it('answers bad percent-encoding and malformed HTTP with 400', async () => {
    expectProblem(await get('/v1/groups/%E0%A4%A'), 400, 'bad_request');
    expectProblem(await get('/v1/%'), 400, 'bad_request');
    expectProblem(await raw('NOT HTTP AT ALL\r\n\r\n'), 400, 'bad_request');
  });

  it('answers an unknown route with 404 and a known path with the wrong method with 405 and Allow', async () => {
    expectProblem(await get('/v1/no-such-thing'), 404, 'not_found');
    const wrongMethod = await get('/v1/auth/login', { method: 'PUT' });
    expectProblem(wrongMethod, 405, 'method_not_allowed');
    expect(wrongMethod.headers.allow).toBe('POST');
    const onAResource = await get(`/v1/groups/${crypto.randomUUID()}`, { method: 'POST' });
    expectProblem(onAResource, 405, 'method_not_allowed');
    expect(onAResource.headers.allow?.split(', ')).toEqual(expect.arrayContaining(['GET', 'PATCH', 'DELETE']));
  });

  it('answers an 8 MiB JSON body with a 413 problem that a client writing all of it first still reads', async () => {
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const size = 8 * 1024 * 1024;
      const answer = await raw(
        `POST /v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${size}\r\n\r\n`,
        size,
      );
      expectProblem(answer, 413, 'payload_too_large');
      expect(answer.error).toBeUndefined();
    }
  });

  it('answers an 8 MiB portrait upload with a 413 problem, not EPIPE, and keeps nothing', async () => {
    const dm = await registerVerifiedUser(ctx.http, ctx.smtp, 'Refusal DM');
    const groupId = await groupWith(ctx, dm, 'generic', [owner]);
    const characterId = await assignedCharacter(ctx, owner, 'generic', 'Framed', undefined, groupId);
    const granted = await ctx.as(owner)('POST', `/v1/characters/${characterId}/portrait`, {
      contentType: 'image/png',
      size: 2 * 1024 * 1024,
    });
    expect(granted.status).toBe(200);
    const target = new URL(granted.body.uploadUrl as string);
    const size = 8 * 1024 * 1024;
    const answer = await raw(
      `PUT ${target.pathname}${target.search} HTTP/1.1\r\nHost: x\r\nContent-Type: image/png\r\nContent-Length: ${size}\r\n\r\n`,
      size,
    );
    expectProblem(answer, 413, 'payload_too_large');
    expect(answer.error).toBeUndefined();
    const confirm = await ctx.as(owner)('POST', `/v1/characters/${characterId}/portrait/confirm`, {
      key: granted.body.key,
    });
    expect(confirm.status).toBe(422);
  });
});
