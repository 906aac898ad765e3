import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import type { TestUser } from './support/auth.js';
import { createTestDatabase } from './support/database.js';
import { DiscordStandIn } from './support/discord/discord-stand-in.js';
import { autocomplete, buttonPress, slashCommand, type FakeDiscordUser } from './support/discord/interactions.js';
import { createHttp, type HttpResult } from './support/http.js';
import { REPO_PLUGINS_DIR } from './support/plugins.js';
import { SmtpReceiver } from './support/smtp-receiver.js';
import { startTestHost, type TestHost } from './support/test-host.js';
import { registerVerifiedUser } from './support/users.js';
import { TestSocket } from './support/ws-client.js';

const GUILD = { guildId: '290926798626357999' };
const OTHER_GUILD = { guildId: '290926798626358000' };
const DM_CHANNEL = {};

describe('Discord interactions (POST /v1/discord/interactions)', () => {
  const discord = new DiscordStandIn();
  let database: { url: string; drop: () => Promise<void> };
  let smtp: SmtpReceiver;
  let db: pg.Pool;
  let hosts: TestHost[] = [];
  let dm: TestUser;
  let player: TestUser;
  const dmDiscord: FakeDiscordUser = { id: '53908232506183680', username: 'mason' };
  const playerDiscord: FakeDiscordUser = { id: '53908232506183681', username: 'pia' };
  const strangerDiscord: FakeDiscordUser = { id: '53908232506183682', username: 'nobody' };
  let dsaGroup: string;
  let genericGroup: string;

  function env(extra: Record<string, string> = {}): Record<string, string> {
    return {
      DATABASE_URL: database.url,
      SMTP_URL: smtpUrl,
      PLUGINS_DIR: REPO_PLUGINS_DIR,
      PLUGINS_WATCH: 'false',
      AUTH_RATE_LIMIT_MAX: '100000',
      DISCORD_PUBLIC_KEY: discord.publicKeyHex,
      DISCORD_APPLICATION_ID: discord.applicationId,
      DISCORD_BOT_TOKEN: discord.botToken,
      DISCORD_API_BASE_URL: discord.url,
      PUBLIC_URL: 'http://cm.example.test',
      ...extra,
    };
  }
  let smtpUrl: string;

  const host = (): TestHost => hosts[0];
  const api =
    (user: TestUser | undefined) =>
    <T = any>(method: string, path: string, body?: unknown): Promise<HttpResult<T>> =>
      createHttp(host().url)(method, path, { token: user?.accessToken, body });

  /** Sends an interaction signed like Discord does to `target` (default: the first host). */
  async function send(interaction: unknown, target: TestHost = host()): Promise<HttpResult> {
    const body = JSON.stringify(interaction);
    return createHttp(target.url)('POST', '/v1/discord/interactions', { rawBody: body, headers: discord.sign(body) });
  }

  async function choices(
    user: FakeDiscordUser,
    ...args: Parameters<typeof autocomplete> extends [unknown, ...infer R] ? R : never
  ) {
    const response = await send(autocomplete(user, ...args));
    expect(response.status).toBe(200);
    expect(response.body.type).toBe(8);
    return response.body.data.choices as Array<{ name: string; value: string }>;
  }

  async function linkAccount(user: TestUser, discordUser: FakeDiscordUser): Promise<void> {
    const answer = await send(slashCommand(discordUser, GUILD, 'link', undefined));
    const token = /\/link\/discord\/([A-Za-z0-9_-]+)/.exec(answer.body.data.content)![1];
    const confirmed = await api(user)('POST', `/v1/discord/links/${token}`);
    expect(confirmed.status).toBe(200);
  }

  beforeAll(async () => {
    await discord.start();
    database = await createTestDatabase();
    smtp = new SmtpReceiver();
    smtpUrl = await smtp.start();
    hosts = [await startTestHost(env())];
    db = new pg.Pool({ connectionString: database.url, max: 2 });
    const http = createHttp(host().url);
    [dm, player] = await Promise.all([
      registerVerifiedUser(http, smtp, 'Discord DM'),
      registerVerifiedUser(http, smtp, 'Discord Player'),
    ]);
    const dsa = await api(dm)('POST', '/v1/groups', { name: 'Die Phileasson-Saga', rulesetId: 'dsa5e' });
    const generic = await api(dm)('POST', '/v1/groups', { name: 'Generic Table', rulesetId: 'generic' });
    dsaGroup = dsa.body.id;
    genericGroup = generic.body.id;
    for (const groupId of [dsaGroup, genericGroup]) {
      const invite = await api(dm)('POST', `/v1/groups/${groupId}/invite`, {});
      await api(player)('POST', `/v1/groups/${groupId}/join/${invite.body.token}`);
    }
    const hero = JSON.parse(
      await readFile(join(REPO_PLUGINS_DIR, 'dsa5e/fixtures/valid/human-worked-example.json'), 'utf8'),
    );
    const alrik = await api(player)('POST', '/v1/characters', { rulesetId: 'dsa5e', name: 'Alrik', sheet: hero });
    await api(player)('POST', `/v1/groups/${dsaGroup}/characters`, { characterId: alrik.body.id });
    const aria = await api(player)('POST', '/v1/characters', {
      rulesetId: 'generic',
      name: 'Aria',
      sheet: {
        name: 'Aria',
        hp: { current: 10, max: 10 },
        fields: [],
        notes: '',
        initiativeBonus: 3,
        dice: [{ id: 'bow', label: 'Longbow', diceString: '1d20+7' }],
      },
    });
    await api(player)('POST', `/v1/groups/${genericGroup}/characters`, { characterId: aria.body.id });
  });

  afterAll(async () => {
    for (const running of hosts) await running.stop();
    await db?.end();
    await smtp?.stop();
    await database?.drop();
    await discord.stop();
  });

  describe('verification', () => {
    const ping = JSON.stringify({
      id: '787053080478613555',
      token: 'ThisIsATokenFromDiscordThatIsVeryLong',
      type: 1,
      version: 1,
    });
    const post = (headers: Record<string, string>, body = ping) =>
      createHttp(host().url)('POST', '/v1/discord/interactions', { rawBody: body, headers });

    it('answers a signed PING with PONG', async () => {
      const response = await post(discord.sign(ping));
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      expect(response.body).toEqual({ type: 1 });
    });

    it('refuses a bad signature, missing headers, a stale timestamp and a tampered body with 401', async () => {
      const good = discord.sign(ping);
      const flipped = good['x-signature-ed25519'].replace(/^./, (c) => (c === 'a' ? 'b' : 'a'));
      const stale = discord.sign(ping, String(Math.floor(Date.now() / 1000) - 3600));
      const cases = [
        { ...good, 'x-signature-ed25519': flipped },
        { 'content-type': 'application/json' },
        { 'content-type': 'application/json', 'x-signature-timestamp': good['x-signature-timestamp'] },
        stale,
      ];
      for (const headers of cases) expect((await post(headers)).status).toBe(401);
      const tampered = await post(good, ping.replace('"type":1', '"type":2'));
      expect(tampered.status).toBe(401);
      expect(tampered.body.code).toBe('unauthenticated');
    });

    it('answers 404 on a host without DISCORD_PUBLIC_KEY', async () => {
      const plain = await startTestHost({ ...env(), DISCORD_PUBLIC_KEY: '' });
      try {
        const response = await createHttp(plain.url)('POST', '/v1/discord/interactions', {
          rawBody: ping,
          headers: discord.sign(ping),
        });
        expect(response.status).toBe(404);
      } finally {
        await plain.stop();
      }
    });
  });

  describe('before linking', () => {
    it('tells an unlinked user how to link, privately, and offers no campaigns', async () => {
      const answer = await send(slashCommand(strangerDiscord, GUILD, 'campaign', 'info'));
      expect(answer.body).toMatchObject({ type: 4, data: { flags: 64 } });
      expect(answer.body.data.content).toContain('/link');
      expect(await choices(strangerDiscord, GUILD, 'campaign', 'switch', { name: '' }, 'name')).toEqual([]);
    });

    it('answers an unknown command in plain words', async () => {
      const answer = await send(slashCommand(dmDiscord, GUILD, 'teleport', undefined));
      expect(answer.body).toMatchObject({ type: 4, data: { flags: 64 } });
      expect(answer.body.data.content).toMatch(/do not know that command/);
    });
  });

  describe('linking', () => {
    it('links through a single-use web link, shown before confirming', async () => {
      const answer = await send(slashCommand(dmDiscord, GUILD, 'link', undefined));
      expect(answer.body.data.flags).toBe(64);
      const match = /http:\/\/cm\.example\.test\/link\/discord\/([A-Za-z0-9_-]+)/.exec(answer.body.data.content);
      expect(match).not.toBeNull();
      const token = match![1];
      const preview = await api(undefined)('GET', `/v1/discord/links/${token}`);
      expect(preview.status).toBe(200);
      expect(preview.body.discordUsername).toBe('mason');
      expect((await api(undefined)('POST', `/v1/discord/links/${token}`)).status).toBe(401);
      const confirmed = await api(dm)('POST', `/v1/discord/links/${token}`);
      expect(confirmed.status).toBe(200);
      expect(confirmed.body).toMatchObject({ discordUserId: dmDiscord.id, username: 'mason' });
      expect((await api(player)('POST', `/v1/discord/links/${token}`)).status).toBe(404);
      expect((await api(dm)('GET', '/v1/me/discord')).body.account.discordUserId).toBe(dmDiscord.id);
      expect((await api(player)('GET', '/v1/me/discord')).body).toEqual({ account: null });
      expect((await api(undefined)('GET', '/v1/me/discord')).status).toBe(401);
      expect((await api(undefined)('GET', '/v1/discord/links/not-a-real-token-at-all')).status).toBe(404);
      await linkAccount(player, playerDiscord);
    });

    it('says so when a linked user runs /link, and unlinks with /unlink and from /me', async () => {
      const again = await send(slashCommand(dmDiscord, GUILD, 'link', undefined));
      expect(again.body.data.content).toMatch(/already linked/);
      const other: FakeDiscordUser = { id: '53908232506183690', username: 'temp' };
      const temp = await registerVerifiedUser(createHttp(host().url), smtp, 'Temp');
      await linkAccount(temp, other);
      expect((await send(slashCommand(other, GUILD, 'unlink', undefined))).body.data.content).toMatch(
        /no longer linked/,
      );
      expect((await api(temp)('GET', '/v1/me/discord')).body).toEqual({ account: null });
      await linkAccount(temp, other);
      expect((await api(undefined)('DELETE', '/v1/me/discord')).status).toBe(401);
      expect((await api(temp)('DELETE', '/v1/me/discord')).status).toBe(204);
      const after = await send(slashCommand(other, GUILD, 'campaign', 'info'));
      expect(after.body.data.content).toContain('/link');
    });
  });

  describe('the guild’s campaign', () => {
    it('explains that no campaign is chosen yet', async () => {
      const answer = await send(slashCommand(dmDiscord, GUILD, 'campaign', 'info'));
      expect(answer.body.data.content).toMatch(/No campaign is chosen here/);
    });

    it('autocompletes the caller’s groups from the database, filtered, at most 25, including one created a moment ago', async () => {
      const created = await api(dm)('POST', '/v1/groups', { name: 'Curse of Strahd', rulesetId: 'generic' });
      const found = await choices(dmDiscord, GUILD, 'campaign', 'switch', { name: 'stra' }, 'name');
      expect(found).toEqual([{ name: 'Curse of Strahd', value: created.body.id }]);
      const extra = Array.from({ length: 26 }, (_, index) => `Side quest ${index}`);
      for (const name of extra) await api(dm)('POST', '/v1/groups', { name, rulesetId: 'generic' });
      expect(await choices(dmDiscord, GUILD, 'campaign', 'switch', { name: '' }, 'name')).toHaveLength(25);
      expect(await choices(playerDiscord, GUILD, 'campaign', 'switch', { name: '' }, 'name')).toEqual(
        expect.arrayContaining([{ name: 'Generic Table', value: genericGroup }]),
      );
      expect(await choices(playerDiscord, GUILD, 'campaign', 'switch', { name: 'strahd' }, 'name')).toEqual([]);
    });

    it('refuses a switch by a player who is not the DM, and changes nothing', async () => {
      const answer = await send(slashCommand(playerDiscord, GUILD, 'campaign', 'switch', { name: genericGroup }));
      expect(answer.body.data).toMatchObject({ flags: 64 });
      expect(answer.body.data.content).toMatch(/Only the DM/);
      expect((await db.query(`SELECT count(*)::int AS n FROM discord_links`)).rows[0].n).toBe(0);
    });

    it('switches for the DM (by id or name), persists it and shows it in /campaign info', async () => {
      const byName = await send(slashCommand(dmDiscord, GUILD, 'campaign', 'switch', { name: 'generic table' }));
      expect(byName.body.data.content).toContain('This server now plays **Generic Table**');
      const answer = await send(slashCommand(dmDiscord, GUILD, 'campaign', 'switch', { name: dsaGroup }));
      expect(answer.body.type).toBe(4);
      expect(answer.body.data.content).toContain('Die Phileasson-Saga');
      const rows = (await db.query(`SELECT scope, group_id FROM discord_links`)).rows;
      expect(rows).toEqual([{ scope: `guild:${GUILD.guildId}`, group_id: dsaGroup }]);
      const info = await send(slashCommand(playerDiscord, GUILD, 'campaign', 'info'));
      const embed = info.body.data.embeds[0];
      expect(embed.title).toBe('Die Phileasson-Saga');
      expect(embed.fields).toEqual(
        expect.arrayContaining([
          { name: 'DM', value: 'Discord DM', inline: true },
          expect.objectContaining({ name: 'Characters (1)', value: 'Alrik (Discord Player)' }),
        ]),
      );
    });

    it('shows a rename in the web app at once', async () => {
      expect((await api(dm)('PATCH', `/v1/groups/${dsaGroup}`, { name: 'Phileasson (renamed)' })).status).toBe(200);
      const info = await send(slashCommand(dmDiscord, GUILD, 'campaign', 'info'));
      expect(info.body.data.embeds[0].title).toBe('Phileasson (renamed)');
    });

    it('always honours an explicitly named campaign, and never falls back when it is unknown', async () => {
      const info = await send(slashCommand(dmDiscord, GUILD, 'campaign', 'info', { campaign: genericGroup }));
      expect(info.body.data.embeds[0].title).toBe('Generic Table');
      const unknown = await send(
        slashCommand(dmDiscord, GUILD, 'roll', undefined, { notation: '1d6', campaign: 'No Such Campaign' }),
      );
      expect(unknown.body.data.content).toMatch(/no campaign called “No Such Campaign”/);
      expect((await db.query(`SELECT count(*)::int AS n FROM rolls`)).rows[0].n).toBe(0);
    });

    it('keeps separate campaigns per guild and for DMs', async () => {
      await send(slashCommand(dmDiscord, DM_CHANNEL, 'campaign', 'switch', { name: genericGroup }));
      const inDms = await send(slashCommand(dmDiscord, DM_CHANNEL, 'campaign', 'info'));
      expect(inDms.body.data.embeds[0].title).toBe('Generic Table');
      const elsewhere = await send(slashCommand(dmDiscord, OTHER_GUILD, 'campaign', 'info'));
      expect(elsewhere.body.data.content).toMatch(/No campaign is chosen here/);
    });

    it('creates a campaign from Discord with the caller as DM and plays it there', async () => {
      expect(
        await choices(dmDiscord, OTHER_GUILD, 'campaign', 'create', { name: 'x', ruleset: 'dsa' }, 'ruleset'),
      ).toEqual([expect.objectContaining({ value: 'dsa5e' })]);
      const answer = await send(
        slashCommand(dmDiscord, OTHER_GUILD, 'campaign', 'create', { name: 'Made in Discord', ruleset: 'generic' }),
      );
      expect(answer.body.data.content).toContain('Created **Made in Discord**');
      const groups = (await api(dm)('GET', '/v1/groups')).body as Array<{ name: string; myRole: string }>;
      expect(groups).toEqual(
        expect.arrayContaining([expect.objectContaining({ name: 'Made in Discord', myRole: 'dm' })]),
      );
      const long = await send(
        slashCommand(dmDiscord, OTHER_GUILD, 'campaign', 'create', { name: 'x'.repeat(101), ruleset: 'generic' }),
      );
      expect(long.body.data.content).toMatch(/1 to 100 characters/);
      const bad = await send(
        slashCommand(dmDiscord, OTHER_GUILD, 'campaign', 'create', { name: 'Nope', ruleset: 'chess' }),
      );
      expect(bad.body.data.flags).toBe(64);
      expect(groups.filter((group) => group.name === 'Nope')).toHaveLength(0);
      // Deleting it in the web app is reflected at once: the server plays nothing.
      const made = groups.find((group) => group.name === 'Made in Discord') as unknown as { id: string };
      expect((await api(dm)('DELETE', `/v1/groups/${made.id}`)).status).toBe(204);
      const after = await send(slashCommand(dmDiscord, OTHER_GUILD, 'campaign', 'info'));
      expect(after.body.data.content).toMatch(/No campaign is chosen here/);
    });
  });

  describe('play', () => {
    it('rolls notation on the server, stores it with source discord and pushes it live to a web client', async () => {
      const socket = await TestSocket.connect(host().url, dm.accessToken);
      socket.subscribe(dsaGroup);
      await socket.waitFor((m) => m.type === 'subscribed');
      const answer = await send(
        slashCommand(playerDiscord, GUILD, 'roll', undefined, { notation: '2d20kh1+3', label: 'Initiative' }),
      );
      expect(answer.body.type).toBe(4);
      const embed = answer.body.data.embeds[0];
      expect(embed.title).toBe('pia rolls Initiative');
      expect(embed.description).toMatch(/^2d20 \(.*~~\d+~~.*\) \+ 3 = `\d+`$/);
      expect(answer.body.data.components[0].components[0]).toMatchObject({ type: 2, label: 'Roll again' });
      const event = await socket.waitFor((m) => m.type === 'event' && m.event.type === 'roll.created');
      const payload = (event as any).event.payload;
      expect(payload).toMatchObject({ source: 'discord', label: 'Initiative', userId: player.id });
      const stored = (await db.query(`SELECT source, total FROM rolls WHERE id = $1`, [payload.id])).rows[0];
      expect(stored.source).toBe('discord');
      expect(embed.fields[0].value).toBe(`**${stored.total}**`);
      socket.close();
    });

    it('autocompletes the active character’s dice actions and rolls a talent check with its outcome, live', async () => {
      const found = await choices(playerDiscord, GUILD, 'roll', undefined, { action: 'sinnes' }, 'action');
      expect(found.length).toBeGreaterThan(0);
      expect(found[0].name).toMatch(/Sinnesschärfe/);
      const socket = await TestSocket.connect(host().url, dm.accessToken);
      socket.subscribe(dsaGroup);
      await socket.waitFor((m) => m.type === 'subscribed');
      const answer = await send(
        slashCommand(playerDiscord, GUILD, 'roll', undefined, { action: found[0].value, modifier: 1 }),
      );
      const embed = answer.body.data.embeds[0];
      const event = await socket.waitFor((m) => m.type === 'event' && m.event.type === 'roll.created');
      const payload = (event as any).event.payload;
      expect(payload.source).toBe('discord');
      expect(payload.outcome).toMatchObject({ tone: expect.any(String), label: expect.any(String) });
      expect(payload.options).toEqual({ modifier: 1 });
      expect(embed.fields).toEqual(
        expect.arrayContaining([{ name: 'Outcome', value: payload.outcome.label, inline: true }]),
      );
      expect(embed.color).toEqual(expect.any(Number));
      socket.close();
      expect(await choices(dmDiscord, GUILD, 'roll', undefined, { action: '' }, 'action')).toEqual([]);
      const noCharacter = await send(slashCommand(dmDiscord, GUILD, 'roll', undefined, { action: found[0].value }));
      expect(noCharacter.body.data.content).toMatch(/no active character/);
    });

    it('repeats a roll from its button', async () => {
      const first = await send(
        slashCommand(playerDiscord, GUILD, 'roll', undefined, { notation: '1d6', label: 'Again' }),
      );
      const customId = first.body.data.components[0].components[0].custom_id as string;
      const before = (await db.query(`SELECT count(*)::int AS n FROM rolls WHERE label = 'Again'`)).rows[0].n;
      const again = await send(buttonPress(dmDiscord, GUILD, customId));
      expect(again.body.data.embeds[0].title).toBe('mason rolls Again');
      expect((await db.query(`SELECT count(*)::int AS n FROM rolls WHERE label = 'Again'`)).rows[0].n).toBe(before + 1);
      const stale = await send(buttonPress(dmDiscord, GUILD, 'again:unknownkey'));
      expect(stale.body.data.content).toMatch(/no longer be repeated/);
    });

    it('refuses bad notation in plain words and stores nothing', async () => {
      const before = (await db.query(`SELECT count(*)::int AS n FROM rolls`)).rows[0].n;
      const answer = await send(slashCommand(playerDiscord, GUILD, 'roll', undefined, { notation: '2d' }));
      expect(answer.body.data.flags).toBe(64);
      expect(answer.body.data.content).toMatch(/Invalid notation/);
      expect(answer.body.data.content).not.toMatch(/at .*\.ts|Error:|[0-9a-f]{8}-[0-9a-f]{4}/);
      expect((await db.query(`SELECT count(*)::int AS n FROM rolls`)).rows[0].n).toBe(before);
    });

    it('shows and switches the active character', async () => {
      const shown = await send(slashCommand(playerDiscord, GUILD, 'character', undefined));
      expect(shown.body.data.embeds[0].title).toBe('Alrik');
      expect(shown.body.data.embeds[0].fields.length).toBeGreaterThan(0);
      expect(await choices(playerDiscord, GUILD, 'character', undefined, { switch: 'al' }, 'switch')).toEqual([
        { name: 'Alrik', value: expect.any(String) },
      ]);
      const switched = await send(slashCommand(playerDiscord, GUILD, 'character', undefined, { switch: 'alrik' }));
      expect(switched.body.data.content).toContain('**Alrik** is now your active character');
    });

    it('applies an HP delta atomically for the owner or the DM, live, and refuses others', async () => {
      const socket = await TestSocket.connect(host().url, dm.accessToken);
      socket.subscribe(genericGroup);
      await socket.waitFor((m) => m.type === 'subscribed');
      const hurt = await send(
        slashCommand(playerDiscord, GUILD, 'hp', undefined, { delta: -3, campaign: genericGroup }),
      );
      expect(hurt.body.data.content).toBe('**Aria** HP: -3 → **7 / 10**');
      const event = await socket.waitFor((m) => m.type === 'event' && m.event.type === 'character.resource_changed');
      expect((event as any).event.payload).toMatchObject({ value: 7, delta: -3 });
      expect(
        await choices(
          dmDiscord,
          GUILD,
          'hp',
          undefined,
          { delta: 1, character: 'ar', campaign: genericGroup },
          'character',
        ),
      ).toEqual([{ name: 'Aria', value: expect.any(String) }]);
      expect(
        await choices(
          playerDiscord,
          GUILD,
          'hp',
          undefined,
          { delta: 1, resource: '', campaign: genericGroup },
          'resource',
        ),
      ).toEqual([expect.objectContaining({ value: 'hp' })]);
      expect(
        await choices(playerDiscord, GUILD, 'hp', undefined, { delta: 1, campaign: 'generic' }, 'campaign'),
      ).toEqual([{ name: 'Generic Table', value: genericGroup }]);
      const healed = await send(
        slashCommand(dmDiscord, GUILD, 'hp', undefined, { delta: 100, character: 'Aria', campaign: genericGroup }),
      );
      expect(healed.body.data.content).toMatch(/\+3 → \*\*10 \/ 10\*\*/);
      const outsider = await registerVerifiedUser(createHttp(host().url), smtp, 'Outsider');
      const outsiderDiscord: FakeDiscordUser = { id: '53908232506183699', username: 'out' };
      await linkAccount(outsider, outsiderDiscord);
      const refused = await send(
        slashCommand(outsiderDiscord, GUILD, 'hp', undefined, { delta: -1, character: 'Aria', campaign: genericGroup }),
      );
      expect(refused.body.data.content).toMatch(/no campaign called/);
      socket.close();
    });
  });

  describe('across instances and restarts', () => {
    it('keeps the switch through a restart of every host instance and defers slow answers to a follow-up', async () => {
      hosts.push(await startTestHost(env()));
      const switched = await send(
        slashCommand(dmDiscord, GUILD, 'campaign', 'switch', { name: genericGroup }),
        hosts[1],
      );
      expect(switched.body.data.content).toContain('Generic Table');
      for (const running of hosts.splice(0)) await running.stop();
      hosts = [await startTestHost(env({ DISCORD_DEFER_AFTER_MS: '0' })), await startTestHost(env())];
      const info = await send(slashCommand(playerDiscord, GUILD, 'campaign', 'info'), hosts[1]);
      expect(info.body.data.embeds[0].title).toBe('Generic Table');

      const deferred = await send(slashCommand(playerDiscord, GUILD, 'campaign', 'info'), hosts[0]);
      expect(deferred.body).toEqual({ type: 5 });
      const call = await discord.waitForCall((c) => c.method === 'PATCH' && c.path.endsWith('/messages/@original'));
      expect(call.path).toMatch(
        new RegExp(`^/webhooks/${discord.applicationId}/interaction-token-\\d+/messages/@original$`),
      );
      expect((call.body as any).embeds[0].title).toBe('Generic Table');
      expect(call.headers['user-agent']).toMatch(/^DiscordBot \(/);

      // A deferred command that fails: the public "thinking…" is deleted and the error sent privately.
      const failing = await send(
        slashCommand(playerDiscord, GUILD, 'campaign', 'info', { campaign: 'Nowhere' }),
        hosts[0],
      );
      expect(failing.body).toEqual({ type: 5 });
      const followUp = await discord.waitForCall((c) => c.method === 'POST' && /^\/webhooks\/\d+\/[^/]+$/.test(c.path));
      expect(followUp.body).toMatchObject({
        flags: 64,
        content: expect.stringMatching(/no campaign called “Nowhere”/),
      });
      const interactionToken = followUp.path.split('/').at(-1);
      expect(
        discord.calls.some(
          (c) =>
            c.method === 'DELETE' &&
            c.path === `/webhooks/${discord.applicationId}/${interactionToken}/messages/@original`,
        ),
      ).toBe(true);
      expect(discord.calls.some((c) => c.method === 'PATCH' && c.path.includes(interactionToken!))).toBe(false);
    });
  });
});
