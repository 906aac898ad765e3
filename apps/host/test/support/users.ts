import pg from 'pg';
import { createUser, type TestUser } from './auth.js';
import { createTestDatabase } from './database.js';
import { createHttp, type Http, type HttpResult } from './http.js';
import { REPO_PLUGINS_DIR } from './plugins.js';
import { SmtpReceiver } from './smtp-receiver.js';
import { startTestHost, type TestHost } from './test-host.js';

/** A registered user whose email is verified, logged in. */
export function registerVerifiedUser(http: Http, smtp: SmtpReceiver, name: string): Promise<TestUser> {
  return createUser(http, smtp, { displayName: name, email: uniqueEmail(name) });
}

/** A registered, logged-in user who has NOT verified the email address. */
export function registerUnverifiedUser(http: Http, smtp: SmtpReceiver, name: string): Promise<TestUser> {
  return createUser(http, smtp, { displayName: name, email: uniqueEmail(name), verified: false });
}

let emails = 0;
function uniqueEmail(name: string): string {
  emails += 1;
  return `${name.toLowerCase().replace(/[^a-z0-9]/g, '')}-${Date.now().toString(36)}-${emails}@example.com`;
}

/** A real host with the repository's plugins, a fresh database, real SMTP, and direct SQL access. */
export interface CampaignHost {
  host: TestHost;
  http: Http;
  smtp: SmtpReceiver;
  db: pg.Pool;
  /** Calls the API as a user (or anonymously). */
  as(user: TestUser | undefined): <T = any>(method: string, path: string, body?: unknown) => Promise<HttpResult<T>>;
  stop(): Promise<void>;
}

/** Starts a host with PLUGINS_DIR = the repo's plugins/ and waits until `rulesets` are loaded. */
export async function startCampaignHost(
  rulesets: string[] = ['generic', 'dsa5e'],
  env: Record<string, string> = {},
): Promise<CampaignHost> {
  const database = await createTestDatabase();
  const smtp = new SmtpReceiver();
  const smtpUrl = await smtp.start();
  const host = await startTestHost({
    DATABASE_URL: database.url,
    SMTP_URL: smtpUrl,
    PLUGINS_DIR: REPO_PLUGINS_DIR,
    PLUGINS_WATCH: 'false',
    AUTH_RATE_LIMIT_MAX: '100000',
    ...env,
  });
  const http = createHttp(host.url);
  const db = new pg.Pool({ connectionString: database.url, max: 3 });
  const loaded = await http<Array<{ id: string }>>('GET', '/v1/rulesets');
  const ids = Array.isArray(loaded.body) ? loaded.body.map((ruleset) => ruleset.id) : [];
  const missing = rulesets.filter((id) => !ids.includes(id));
  if (missing.length > 0) {
    const plugins = await http('GET', '/v1/plugins');
    throw new Error(`rulesets not loaded: ${missing.join(', ')}; GET /v1/plugins: ${JSON.stringify(plugins.body)}`);
  }
  return {
    host,
    http,
    smtp,
    db,
    as: (user) => (method, path, body) => http(method, path, { token: user?.accessToken, body }),
    stop: async () => {
      await db.end();
      await host.stop();
      await smtp.stop();
      await database.drop();
    },
  };
}

export type { TestUser };

/** A group of `rulesetId` created by `dm`, which every member joins through one invite; returns its id. */
export async function groupWith(
  ctx: CampaignHost,
  dm: TestUser,
  rulesetId: string,
  members: TestUser[],
): Promise<string> {
  const group = await ctx.as(dm)('POST', '/v1/groups', { name: `${rulesetId} table`, rulesetId });
  if (group.status !== 201) throw new Error(`creating the group answered ${group.status}`);
  const link = await ctx.as(dm)('POST', `/v1/groups/${group.body.id}/invite`, {});
  for (const member of members) {
    const joined = await ctx.as(member)('POST', `/v1/groups/${group.body.id}/join/${link.body.token}`);
    if (joined.status !== 200) throw new Error(`joining the group answered ${joined.status}`);
  }
  return group.body.id;
}

/** A character created by `owner` and assigned to `groupId`; returns its id. */
export async function assignedCharacter(
  ctx: CampaignHost,
  owner: TestUser,
  rulesetId: string,
  name: string,
  sheet: unknown,
  groupId: string,
): Promise<string> {
  const created = await ctx.as(owner)('POST', '/v1/characters', { rulesetId, name, sheet });
  if (created.status !== 201)
    throw new Error(`creating the character answered ${created.status}: ${JSON.stringify(created.body)}`);
  const assigned = await ctx.as(owner)('POST', `/v1/groups/${groupId}/characters`, { characterId: created.body.id });
  if (assigned.status !== 200) throw new Error(`assigning the character answered ${assigned.status}`);
  return created.body.id;
}
