import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DiscordStandIn } from './support/discord/discord-stand-in.js';
import { autocomplete, slashCommand, type FakeDiscordUser } from './support/discord/interactions.js';
import { createHttp, type HttpResult } from './support/http.js';
import { registerVerifiedUser, startCampaignHost, type CampaignHost, type TestUser } from './support/users.js';
import { TestSocket } from './support/ws-client.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const GUILD = { guildId: '390926798626357999' };

const CAMPAIGN = `# A campaign moved from files
key: barovia
name: Curse of Strahd
ruleset: generic
description: Gothic horror in the mists
npcs:
  - key: ireena
    name: Ireena Kolyana
    revealed: true
    public: [vitals]
    sheet:
      name: Ireena
      hp: { current: 14, max: 14 }
      fields: [{ key: secret, value: Tatyana }]
      notes: ''
  - key: strahd
    name: Strahd von Zarovich
`;

/** Runs a root script with node, with the given environment; never rejects on a non-zero exit. */
function run(script: string, args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(root, 'scripts', script), ...args],
      { cwd: root, timeout: 60_000, env: { ...process.env, ...env } },
      (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout: stdout + stderr }),
    );
  });
}

describe('campaign files: /campaign load, npm run campaign:import, /npc, discord:register', () => {
  const discord = new DiscordStandIn();
  let ctx: CampaignHost;
  let dm: TestUser;
  let player: TestUser;
  let folder: string;
  let hostEnv: Record<string, string>;
  const dmDiscord: FakeDiscordUser = { id: '63908232506183680', username: 'dmfiles' };
  const playerDiscord: FakeDiscordUser = { id: '63908232506183681', username: 'playerfiles' };

  async function send(interaction: unknown): Promise<HttpResult> {
    const body = JSON.stringify(interaction);
    return createHttp(ctx.host.url)('POST', '/v1/discord/interactions', { rawBody: body, headers: discord.sign(body) });
  }

  async function link(user: TestUser, discordUser: FakeDiscordUser): Promise<void> {
    const answer = await send(slashCommand(discordUser, GUILD, 'link', undefined));
    const token = /\/link\/discord\/([A-Za-z0-9_-]+)/.exec(answer.body.data.content)![1];
    expect((await ctx.as(user)('POST', `/v1/discord/links/${token}`)).status).toBe(200);
  }

  /** `/campaign load` with one attachment served by the stand-in's CDN. */
  function load(
    user: FakeDiscordUser,
    filename: string,
    body: string,
    size = Buffer.byteLength(body),
  ): Promise<HttpResult> {
    const url = discord.serveFile(filename, body, 'application/x-yaml');
    const id = `125000000000${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;
    return send(
      slashCommand(
        user,
        GUILD,
        'campaign',
        'load',
        { file: id },
        {
          resolved: {
            attachments: { [id]: { id, filename, size, url, proxy_url: url, content_type: 'application/x-yaml' } },
          },
        },
      ),
    );
  }

  const counts = async (): Promise<{ groups: number; npcs: number; events: number }> =>
    (
      await ctx.db.query(
        `SELECT (SELECT count(*)::int FROM groups) AS groups, (SELECT count(*)::int FROM npcs) AS npcs, (SELECT count(*)::int FROM group_events) AS events`,
      )
    ).rows[0];

  beforeAll(async () => {
    await discord.start();
    folder = await mkdtemp(join(tmpdir(), 'cm-campaign-files-'));
    const env = {
      DISCORD_PUBLIC_KEY: discord.publicKeyHex,
      DISCORD_APPLICATION_ID: discord.applicationId,
      DISCORD_BOT_TOKEN: discord.botToken,
      DISCORD_API_BASE_URL: discord.url,
      DISCORD_ATTACHMENT_MAX_BYTES: '4096',
    };
    ctx = await startCampaignHost(['generic'], env);
    hostEnv = {
      ...env,
      DATABASE_URL: (ctx.db as unknown as { options: { connectionString: string } }).options.connectionString,
      PLUGINS_DIR: ctx.host.config.pluginsDir,
      DATA_DIR: ctx.host.dataDir,
      JWT_SECRET: 'test-secret-test-secret-test-secret-123',
      NODE_ENV: 'test',
      LOG_LEVEL: 'error',
    };
    [dm, player] = await Promise.all([
      registerVerifiedUser(ctx.http, ctx.smtp, 'Files DM'),
      registerVerifiedUser(ctx.http, ctx.smtp, 'Files Player'),
    ]);
    await link(dm, dmDiscord);
    await link(player, playerDiscord);
  });

  afterAll(async () => {
    await ctx?.stop();
    await discord.stop();
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  it('loads a campaign YAML from an attachment: the campaign and its NPCs are created, played here and seen by the web app live', async () => {
    const answer = await load(dmDiscord, 'barovia.yaml', CAMPAIGN);
    const message =
      answer.body.type === 5 ? (await discord.waitForCall((c) => c.method === 'PATCH')).body : answer.body.data;
    const embed = message.embeds[0];
    expect(embed.title).toBe('Curse of Strahd created');
    expect(embed.fields[0]).toEqual({
      name: 'NPCs (2)',
      value: '• Ireena Kolyana: created\n• Strahd von Zarovich: created',
    });
    const groups = (await ctx.as(dm)('GET', '/v1/groups')).body as Array<{
      id: string;
      name: string;
      myRole: string;
      description: string;
    }>;
    const group = groups.find((entry) => entry.name === 'Curse of Strahd')!;
    expect(group).toMatchObject({ myRole: 'dm', description: 'Gothic horror in the mists' });
    const npcs = (await ctx.as(dm)('GET', `/v1/groups/${group.id}/npcs`)).body as Array<{
      name: string;
      key: string;
      revealed: boolean;
    }>;
    expect(npcs.map((npc) => [npc.key, npc.name, npc.revealed])).toEqual([
      ['ireena', 'Ireena Kolyana', true],
      ['strahd', 'Strahd von Zarovich', false],
    ]);
    const info = await send(slashCommand(dmDiscord, GUILD, 'campaign', 'info'));
    expect(info.body.data.embeds[0].title).toBe('Curse of Strahd');

    // A web client of the group sees an NPC change made by re-loading the file.
    const invite = await ctx.as(dm)('POST', `/v1/groups/${group.id}/invite`, {});
    await ctx.as(player)('POST', `/v1/groups/${group.id}/join/${invite.body.token}`);
    const socket = await TestSocket.connect(ctx.host.url, player.accessToken);
    socket.subscribe(group.id);
    await socket.waitFor((m) => m.type === 'subscribed');
    const again = await load(
      dmDiscord,
      'barovia-2.yaml',
      CAMPAIGN.replace('revealed: true', 'revealed: false').replace(
        'name: Strahd von Zarovich',
        'name: Strahd\n    revealed: true',
      ),
    );
    expect(again.body.data.embeds[0].title).toBe('Curse of Strahd unchanged');
    const event = await socket.waitFor((m) => m.type === 'event' && m.event.type === 'npc.changed');
    expect((event as any).event.payload).toMatchObject({ change: 'updated', revealed: true });
    socket.close();
    const seen = (await ctx.as(player)('GET', `/v1/groups/${group.id}/npcs`)).body as Array<{ name: string }>;
    expect(seen.map((npc) => npc.name)).toEqual(['Strahd']);
  });

  it('lists and shows NPCs in Discord as the caller may see them', async () => {
    const dmList = await send(slashCommand(dmDiscord, GUILD, 'npc', 'list'));
    expect(dmList.body.data.embeds[0].description).toBe('• Ireena Kolyana (hidden)\n• Strahd');
    const playerList = await send(slashCommand(playerDiscord, GUILD, 'npc', 'list'));
    expect(playerList.body.data.embeds[0].description).toBe('• Strahd');
    const playerChoices = await send(autocomplete(playerDiscord, GUILD, 'npc', 'show', { name: 'i' }, 'name'));
    expect(playerChoices.body.data.choices).toEqual([]);
    const dmChoices = await send(autocomplete(dmDiscord, GUILD, 'npc', 'show', { name: 'iree' }, 'name'));
    expect(dmChoices.body.data.choices).toEqual([{ name: 'Ireena Kolyana', value: expect.any(String) }]);
    const shown = await send(
      slashCommand(dmDiscord, GUILD, 'npc', 'show', { name: dmChoices.body.data.choices[0].value }),
    );
    expect(shown.body.data.embeds[0]).toMatchObject({ title: 'Ireena Kolyana', description: 'Hidden from players.' });
    expect(JSON.stringify(shown.body.data.embeds[0].fields)).toContain('Tatyana');
    const hidden = await send(slashCommand(playerDiscord, GUILD, 'npc', 'show', { name: 'Ireena Kolyana' }));
    expect(hidden.body.data).toMatchObject({ flags: 64 });
    expect(hidden.body.data.content).toMatch(/no NPC called “Ireena Kolyana” you can see/);
  });

  it('refuses an invalid file naming the line, a wrong file type and an oversized file, creating nothing', async () => {
    const before = await counts();
    const invalid = await load(
      dmDiscord,
      'broken.yaml',
      CAMPAIGN.replace('hp: { current: 14, max: 14 }', "hp: { current: 'lots', max: 14 }").replace(
        'key: barovia',
        'key: barovia-2',
      ),
    );
    expect(invalid.body.data.flags).toBe(64);
    expect(invalid.body.data.content).toMatch(/The campaign file is invalid/);
    expect(invalid.body.data.content).toMatch(/npcs\.0\.sheet\.hp\.current: line 13: /);
    const wrongType = await load(dmDiscord, 'notes.md', '# hi');
    expect(wrongType.body.data.content).toMatch(/\.yaml or \.yml/);
    const big = await load(dmDiscord, 'big.yaml', CAMPAIGN, 100_000);
    expect(big.body.data.content).toMatch(/too large/);
    const lying = await load(dmDiscord, 'lying.yaml', `${CAMPAIGN}\n# ${'x'.repeat(5000)}`, 10);
    expect(lying.body.data.content).toMatch(/larger than 4 KB/);
    expect(await counts()).toEqual(before);
  });

  it('loads a .cmchar file as the caller’s active character in the campaign played here', async () => {
    const document = {
      cm_version: 1,
      ruleset_id: 'generic',
      name: 'Van Richten',
      sheet_data: { name: 'Van Richten', hp: { current: 9, max: 9 }, fields: [], notes: '' },
    };
    const answer = await load(playerDiscord, 'van-richten.cmchar', JSON.stringify(document));
    expect(answer.body.data.content).toBe('**Van Richten** is now your active character in Curse of Strahd.');
    const shown = await send(slashCommand(playerDiscord, GUILD, 'character', undefined));
    expect(shown.body.data.embeds[0].title).toBe('Van Richten');
  });

  beforeAll(() => {
    // The CLIs run the built host modules; build them when this checkout has not been built yet.
    const built = ['campaign-import/campaign-import.cli.js', 'discord/discord-register.js'].every((file) =>
      existsSync(join(root, 'apps/host/dist', file)),
    );
    if (!built) execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'ignore' });
  }, 180_000);

  it('imports with npm run campaign:import idempotently; a dry run changes nothing', async () => {
    const file = join(folder, 'moonsea.yaml');
    await writeFile(
      file,
      CAMPAIGN.replace('key: barovia', 'key: moonsea').replace('name: Curse of Strahd', 'name: Moonsea'),
    );
    const before = await counts();
    const dry = await run('campaign-import.mjs', [file, '--dm', dm.email, '--dry-run'], hostEnv);
    expect(dry.stdout).toContain('Dry run (nothing was changed): campaign "Moonsea" would create');
    expect(dry.stdout).toContain('NPC ireena "Ireena Kolyana": would create');
    expect(dry.code).toBe(0);
    expect(await counts()).toEqual(before);

    const first = await run('campaign-import.mjs', [file, '--dm', dm.email], hostEnv);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/campaign "Moonsea" created \([0-9a-f-]{36}\)/);
    const afterFirst = await counts();
    expect(afterFirst.groups).toBe(before.groups + 1);
    expect(afterFirst.npcs).toBe(before.npcs + 2);

    const second = await run('campaign-import.mjs', [file, '--dm', dm.email], hostEnv);
    expect(second.stdout).toContain('campaign "Moonsea" unchanged');
    expect(second.stdout).toContain('NPC strahd "Strahd von Zarovich": unchanged');
    expect(await counts()).toEqual(afterFirst);

    await writeFile(
      file,
      CAMPAIGN.replace('key: barovia', 'key: moonsea')
        .replace('name: Curse of Strahd', 'name: Moonsea')
        .replace('Ireena Kolyana', 'Ireena'),
    );
    const dryChange = await run('campaign-import.mjs', [file, '--dm', dm.email, '--dry-run'], hostEnv);
    expect(dryChange.stdout).toContain('NPC ireena "Ireena": would update');
    expect(await counts()).toEqual(afterFirst);

    const unknown = await run('campaign-import.mjs', [file, '--dm', 'nobody@example.com'], hostEnv);
    expect(unknown.code).toBe(1);
    expect(unknown.stdout).toContain('No account has the email nobody@example.com');
    const usage = await run('campaign-import.mjs', [file], hostEnv);
    expect(usage.code).toBe(2);
  });

  it('registers the command set in a guild and globally with npm run discord:register, printing what changed', async () => {
    const first = await run('discord-register.mjs', ['--guild', GUILD.guildId], hostEnv);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(`in guild ${GUILD.guildId}`);
    expect(first.stdout).toMatch(/added: \/link, \/unlink, \/campaign, \/roll, \/character, \/hp, \/npc/);
    const put = discord.calls.find(
      (c) => c.method === 'PUT' && c.path === `/applications/${discord.applicationId}/guilds/${GUILD.guildId}/commands`,
    );
    expect(put?.headers.authorization).toBe(`Bot ${discord.botToken}`);
    expect((put?.body as Array<{ name: string }>).map((c) => c.name)).toEqual([
      'link',
      'unlink',
      'campaign',
      'roll',
      'character',
      'hp',
      'npc',
    ]);
    const again = await run('discord-register.mjs', ['--guild', GUILD.guildId], hostEnv);
    expect(again.stdout).toMatch(/unchanged: \/link/);
    expect(again.stdout).not.toMatch(/added:/);
    const global = await run('discord-register.mjs', [], hostEnv);
    expect(global.stdout).toContain('globally');
    const missing = await run('discord-register.mjs', [], { ...hostEnv, DISCORD_BOT_TOKEN: '' });
    expect(missing.code).toBe(2);
  });
});
