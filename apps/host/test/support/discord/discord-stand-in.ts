import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in for Discord in tests: it signs interactions the way Discord does (Ed25519 over timestamp + raw body,
 * hex headers; discord-api-docs overview.mdx) and runs a local HTTP server in place of Discord's REST API that
 * records every call. It checks what it receives against the documented limits (message.mdx: content ≤ 2000,
 * ≤ 10 embeds, title 256, description 4096, ≤ 25 fields, field name 256 / value 1024, 6000 in total;
 * application-commands.mdx: names, descriptions, ≤ 25 options) and answers 400 like Discord when one is broken.
 * It also serves attachment files (the CDN URLs of `resolved.attachments`).
 */
export class DiscordStandIn {
  readonly applicationId = '1240000000000000000';
  readonly botToken = 'stand-in-bot-token';
  readonly publicKeyHex: string;
  readonly calls: RecordedCall[] = [];
  private readonly privateKey: KeyObject;
  private readonly files = new Map<string, { body: Buffer; contentType: string }>();
  private readonly commandSets = new Map<string, Array<Record<string, unknown>>>();
  private server: Server | undefined;
  url = '';

  constructor() {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    this.privateKey = privateKey;
    this.publicKeyHex = publicKey.export({ format: 'der', type: 'spki' }).subarray(12).toString('hex');
  }

  async start(): Promise<string> {
    this.server = createServer((request, response) => void this.route(request, response));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Headers Discord sends with a body: the signature over `timestamp + body` and the timestamp (Unix seconds). */
  sign(body: string, timestamp = String(Math.floor(Date.now() / 1000))): Record<string, string> {
    const signature = sign(null, Buffer.concat([Buffer.from(timestamp), Buffer.from(body)]), this.privateKey);
    return {
      'content-type': 'application/json',
      'x-signature-ed25519': signature.toString('hex'),
      'x-signature-timestamp': timestamp,
    };
  }

  /** Serves a file at `<url>/attachments/<name>` and returns its URL. */
  serveFile(name: string, body: string | Buffer, contentType: string): string {
    this.files.set(`/attachments/${name}`, { body: Buffer.from(body), contentType });
    return `${this.url}/attachments/${name}?ex=68dc7ce1&is=68db2b61&hm=abc&`;
  }

  /** Waits for a recorded call that matches. */
  async waitForCall(predicate: (call: RecordedCall) => boolean, timeoutMs = 5000): Promise<RecordedCall> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const found = this.calls.find(predicate);
      if (found) return found;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`No matching call to the Discord stand-in within ${timeoutMs} ms: ${JSON.stringify(this.calls)}`);
  }

  private async route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const path = (request.url ?? '').split('?')[0];
    const call: RecordedCall = {
      method: request.method ?? '',
      path,
      headers: request.headers,
      body: text ? (JSON.parse(text) as unknown) : undefined,
    };
    this.calls.push(call);
    const file = this.files.get(path);
    if (request.method === 'GET' && file) {
      response.writeHead(200, { 'content-type': file.contentType, 'content-length': file.body.length });
      response.end(file.body);
      return;
    }
    const answer = this.answer(call);
    if (answer.status === 204) response.writeHead(204).end();
    else response.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
  }

  private answer(call: RecordedCall): { status: number; body?: unknown } {
    const webhook = /^\/webhooks\/(\d+)\/([^/]+)\/messages\/@original$/.exec(call.path);
    if (webhook && call.method === 'PATCH') {
      if (webhook[1] !== this.applicationId) return { status: 404, body: { message: 'Unknown Webhook', code: 10015 } };
      const problems = messageProblems(call.body as Message);
      if (problems.length > 0) return { status: 400, body: { message: 'Invalid Form Body', errors: problems } };
      return { status: 200, body: { id: '1250000000000009999', ...(call.body as object) } };
    }
    if (webhook && call.method === 'DELETE') {
      if (webhook[1] !== this.applicationId) return { status: 404, body: { message: 'Unknown Webhook', code: 10015 } };
      return { status: 204 };
    }
    const followUp = /^\/webhooks\/(\d+)\/([^/]+)$/.exec(call.path);
    if (followUp && call.method === 'POST') {
      if (followUp[1] !== this.applicationId) return { status: 404, body: { message: 'Unknown Webhook', code: 10015 } };
      const problems = messageProblems(call.body as Message);
      if (problems.length > 0) return { status: 400, body: { message: 'Invalid Form Body', errors: problems } };
      return { status: 200, body: { id: '1250000000000009998', ...(call.body as object) } };
    }
    const commands = /^\/applications\/(\d+)(?:\/guilds\/(\d+))?\/commands$/.exec(call.path);
    if (commands) {
      if (call.headers.authorization !== `Bot ${this.botToken}`)
        return { status: 401, body: { message: '401: Unauthorized' } };
      const key = commands[2] ?? 'global';
      if (call.method === 'GET') return { status: 200, body: this.commandSets.get(key) ?? [] };
      if (call.method === 'PUT') {
        const set = call.body as Array<Record<string, unknown>>;
        const problems = set.flatMap(commandProblems);
        if (problems.length > 0) return { status: 400, body: { message: 'Invalid Form Body', errors: problems } };
        const stored = set.map((command, index) => ({
          id: `13000000000000000${index}`,
          application_id: this.applicationId,
          version: '1',
          ...command,
        }));
        this.commandSets.set(key, stored);
        return { status: 200, body: stored };
      }
    }
    return { status: 404, body: { message: '404: Not Found', code: 0 } };
  }
}

export interface RecordedCall {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: unknown;
}

interface Message {
  content?: string;
  embeds?: Array<{
    title?: string;
    description?: string;
    fields?: Array<{ name: string; value: string }>;
    footer?: { text: string };
  }>;
}

/** The documented message limits (message.mdx) a PATCH breaks. */
export function messageProblems(message: Message): string[] {
  const problems: string[] = [];
  if ((message.content ?? '').length > 2000) problems.push('content longer than 2000');
  const embeds = message.embeds ?? [];
  if (embeds.length > 10) problems.push('more than 10 embeds');
  let total = 0;
  for (const embed of embeds) {
    if ((embed.title ?? '').length > 256) problems.push('title longer than 256');
    if ((embed.description ?? '').length > 4096) problems.push('description longer than 4096');
    const fields = embed.fields ?? [];
    if (fields.length > 25) problems.push('more than 25 fields');
    for (const field of fields) {
      if (!field.name || field.name.length > 256) problems.push('field name empty or longer than 256');
      if (!field.value || field.value.length > 1024) problems.push('field value empty or longer than 1024');
      total += field.name.length + field.value.length;
    }
    total += (embed.title ?? '').length + (embed.description ?? '').length + (embed.footer?.text ?? '').length;
  }
  if (total > 6000) problems.push('embeds longer than 6000 in total');
  return problems;
}

/** The documented command limits (application-commands.mdx) a registration breaks. */
function commandProblems(command: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const check = (entry: Record<string, unknown>, where: string): void => {
    if (
      typeof entry.name !== 'string' ||
      !/^[-_'\p{L}\p{N}]{1,32}$/u.test(entry.name) ||
      entry.name !== entry.name.toLowerCase()
    )
      problems.push(`${where}: bad name`);
    const description = entry.description;
    if (typeof description !== 'string' || description.length < 1 || description.length > 100)
      problems.push(`${where}: description must be 1-100 characters`);
    const options = (entry.options ?? []) as Array<Record<string, unknown>>;
    if (options.length > 25) problems.push(`${where}: more than 25 options`);
    let optionalSeen = false;
    for (const option of options) {
      if (option.type !== 1 && option.type !== 2) {
        if (option.required && optionalSeen) problems.push(`${where}: required options go first`);
        if (!option.required) optionalSeen = true;
      }
      check(option, `${where}.${String(option.name)}`);
    }
  };
  check(command, String(command.name));
  return problems;
}
