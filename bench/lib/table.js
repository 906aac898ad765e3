// A seeded table for the browser benches: a host on a fresh database with the repository's plugins, Debian's
// Chromium, and accounts, a dsa5e group and a character made through the API.
import pg from 'pg';
import { chromium } from 'playwright-core';
import { createBenchDatabase, startHostProcess } from './harness.js';

const REPO_PLUGINS = new URL('../../plugins/', import.meta.url).pathname;
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The password of every bench account. */
export const PASSWORD = 'bench password 123';

/** Starts the host and the browser and seeds the table; `close()` stops and drops everything. */
export async function openBenchTable({ browserArgs = [] } = {}) {
  const database = await createBenchDatabase();
  const host = await startHostProcess({
    DATABASE_URL: database.url,
    PLUGINS_DIR: REPO_PLUGINS,
    AUTH_RATE_LIMIT_MAX: '100000',
  });
  const sql = new pg.Pool({ connectionString: database.url, max: 2 });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [...CHROMIUM_ARGS, ...browserArgs],
  });
  const close = async () => {
    await browser.close();
    await sql.end();
    await host.stop();
    await database.drop();
  };
  try {
    return { host, browser, table: await seed(host.url, sql), close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** A DM and a player (registered through the API, verified in SQL), a dsa5e group, the player's character in it. */
export async function seed(url, sql) {
  const people = {};
  for (const name of ['dm', 'player']) {
    const email = `${name}-${Date.now()}@bench.example`;
    await api(url, 'POST', '/v1/auth/register', { email, password: PASSWORD, displayName: name.toUpperCase() });
    await sql.query('UPDATE users SET email_verified = true WHERE email = $1', [email]);
    const login = await api(url, 'POST', '/v1/auth/login', { email, password: PASSWORD });
    people[name] = { email, token: login.accessToken };
  }
  const group = await api(url, 'POST', '/v1/groups', { name: 'Bench table', rulesetId: 'dsa5e' }, people.dm.token);
  const invite = await api(url, 'POST', `/v1/groups/${group.id}/invite`, {}, people.dm.token);
  await api(url, 'POST', `/v1/groups/${group.id}/join/${invite.token}`, undefined, people.player.token);
  const character = await api(
    url,
    'POST',
    '/v1/characters',
    { rulesetId: 'dsa5e', name: 'Alrik' },
    people.player.token,
  );
  await api(url, 'POST', `/v1/groups/${group.id}/characters`, { characterId: character.id }, people.player.token);
  return { ...people, groupId: group.id, characterId: character.id };
}

/** One JSON call to the host; throws with the answer unless it is 2xx. */
export async function api(url, method, path, body, token) {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: {
      ...(body ? { 'content-type': 'application/json' } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${await response.text()}`);
  return response.status === 204 ? null : response.json();
}
