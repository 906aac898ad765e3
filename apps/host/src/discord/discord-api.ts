import type { DiscordConfig } from '../config/app-config.js';
import type { MessageData } from './discord-types.js';

const USER_AGENT = 'DiscordBot (https://github.com/campaign-manager, 0.1.0)';

/** Discord's REST API as this host uses it: interaction webhooks (no bot token) and command registration. */
export class DiscordApi {
  constructor(private readonly config: Pick<DiscordConfig, 'apiBaseUrl' | 'applicationId' | 'botToken'>) {}

  /** Replaces the deferred ("thinking…") answer of an interaction with the real one. */
  async editOriginal(token: string, message: MessageData): Promise<void> {
    await this.call('PATCH', `/webhooks/${this.applicationId()}/${token}/messages/@original`, message);
  }

  /** Removes the deferred answer (before an ephemeral follow-up replaces it). */
  async deleteOriginal(token: string): Promise<void> {
    await this.call('DELETE', `/webhooks/${this.applicationId()}/${token}/messages/@original`, undefined);
  }

  /** A new message in the interaction (it may be ephemeral, unlike an edit of a public deferred answer). */
  async followUp(token: string, message: MessageData): Promise<void> {
    await this.call('POST', `/webhooks/${this.applicationId()}/${token}?wait=true`, message);
  }

  /** The registered command set (global, or one guild's). */
  async commands(guildId?: string): Promise<Array<Record<string, unknown>>> {
    return (await this.call('GET', this.commandsPath(guildId), undefined, true)) as Array<Record<string, unknown>>;
  }

  /** Replaces the whole command set (global, or one guild's). */
  async putCommands(commands: unknown[], guildId?: string): Promise<Array<Record<string, unknown>>> {
    return (await this.call('PUT', this.commandsPath(guildId), commands, true)) as Array<Record<string, unknown>>;
  }

  /** Downloads an attachment, refusing more than `maxBytes` (whatever its announced size). */
  async download(url: string, maxBytes: number): Promise<Buffer> {
    const response = await fetch(url, { headers: { 'User-Agent': USER_AGENT }, signal: AbortSignal.timeout(10_000) });
    if (!response.ok || !response.body) throw new Error(`download answered ${response.status}`);
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      size += chunk.byteLength;
      if (size > maxBytes) throw new Error('too large');
      chunks.push(Buffer.from(chunk));
    }
    return Buffer.concat(chunks);
  }

  private commandsPath(guildId: string | undefined): string {
    const app = this.applicationId();
    return guildId ? `/applications/${app}/guilds/${guildId}/commands` : `/applications/${app}/commands`;
  }

  private applicationId(): string {
    if (!this.config.applicationId) throw new Error('DISCORD_APPLICATION_ID is not set');
    return this.config.applicationId;
  }

  private async call(method: string, path: string, body: unknown, bot = false): Promise<unknown> {
    const headers: Record<string, string> = { 'User-Agent': USER_AGENT, 'Content-Type': 'application/json' };
    if (bot) {
      if (!this.config.botToken) throw new Error('DISCORD_BOT_TOKEN is not set');
      headers.Authorization = `Bot ${this.config.botToken}`;
    }
    const response = await fetch(`${this.config.apiBaseUrl}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
    const text = await response.text();
    if (!response.ok)
      throw new Error(`Discord answered ${method} ${path} with ${response.status}: ${text.slice(0, 300)}`);
    return text ? (JSON.parse(text) as unknown) : undefined;
  }
}
