import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { StorageService } from '../src/storage/storage.service.js';
import { createUser, type TestUser } from './support/auth.js';
import { createTestDatabase } from './support/database.js';
import { REPO_PLUGINS_DIR } from './support/plugins.js';
import { createHttp, type Http } from './support/http.js';
import { startS3Server, type S3Server } from './support/s3-server.js';
import { TcpProxy } from './support/tcp-proxy.js';
import { startTestHost, type TestHost } from './support/test-host.js';

/** A valid 1x1 PNG and a minimal JPEG header (the checks read magic numbers, not whole images). */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);
const JPEG = Buffer.concat([
  Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]),
  Buffer.from('JFIF\0'),
  randomBytes(200),
  Buffer.from([0xff, 0xd9]),
]);
const MIB = 1024 * 1024;

interface Upload {
  uploadUrl: string;
  method: 'PUT';
  headers: Record<string, string>;
  key: string;
  expiresAt: string;
}

interface Setup {
  host: TestHost;
  http: Http;
  storage: StorageService;
  owner: TestUser;
  stranger: TestUser;
}

/** Local URLs name PUBLIC_URL (port 0 in tests): send them to the test host instead. */
function reach(host: TestHost, url: string): string {
  const parsed = new URL(url);
  return parsed.hostname === 'localhost' ? `${host.url}${parsed.pathname}${parsed.search}` : url;
}

async function createCharacter(setup: Setup, user: TestUser = setup.owner): Promise<string> {
  const created = await setup.http('POST', '/v1/characters', {
    token: user.accessToken,
    body: { rulesetId: 'generic', name: 'Portrait Test' },
  });
  if (created.status !== 201)
    throw new Error(`create character failed: ${created.status} ${JSON.stringify(created.body)}`);
  return created.body.id as string;
}

async function upload(
  setup: Setup,
  characterId: string,
  body: Buffer,
  contentType: string,
  declared = contentType,
): Promise<Upload> {
  const granted = await setup.http('POST', `/v1/characters/${characterId}/portrait`, {
    token: setup.owner.accessToken,
    body: { contentType: declared, size: body.length },
  });
  expect(granted.status).toBe(200);
  const sent = await fetch(reach(setup.host, granted.body.uploadUrl), {
    method: 'PUT',
    headers: { ...granted.body.headers, 'Content-Type': contentType },
    body: new Uint8Array(body),
  });
  expect(sent.status).toBeLessThan(300);
  return granted.body as Upload;
}

async function confirm(setup: Setup, characterId: string, key: string, user: TestUser = setup.owner) {
  return setup.http('POST', `/v1/characters/${characterId}/portrait/confirm`, {
    token: user.accessToken,
    body: { key },
  });
}

/** A host with the bundled rulesets (characters need one), without plugin watching. */
const hostEnv = (env: Record<string, string>): Record<string, string> => ({
  PLUGINS_DIR: REPO_PLUGINS_DIR,
  PLUGINS_WATCH: 'false',
  ...env,
});

describe('character portraits', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let s3: S3Server;
  const setups = {} as Record<'local' | 's3', Setup>;

  beforeAll(async () => {
    database = await createTestDatabase();
    s3 = await startS3Server();
    for (const [name, env] of [
      ['local', {}],
      ['s3', s3.env],
    ] as const) {
      const host = await startTestHost(hostEnv({ DATABASE_URL: database.url, ...env }));
      const http = createHttp(host.url);
      const mailbox = { dataDir: host.dataDir };
      setups[name] = {
        host,
        http,
        storage: host.app.get(StorageService),
        owner: await createUser(http, mailbox),
        stranger: await createUser(http, mailbox),
      };
    }
  }, 120_000);

  afterAll(async () => {
    await setups.local?.host.stop();
    await setups.s3?.host.stop();
    await s3?.stop();
    await database?.drop();
  }, 30_000);

  describe.each(['local', 's3'] as const)('with the %s store', (name) => {
    it('uploads, confirms and serves a portrait; a replacement deletes the old object; removal deletes the new one', async () => {
      const setup = setups[name];
      const characterId = await createCharacter(setup);
      const first = await upload(setup, characterId, PNG, 'image/png');
      expect(first).toMatchObject({ method: 'PUT', headers: { 'Content-Type': 'image/png' } });
      expect(first.key).toMatch(new RegExp(`^portraits/${characterId}/[0-9a-f]{32}\\.png$`));
      expect(new Date(first.expiresAt).getTime()).toBeGreaterThan(Date.now());

      const confirmed = await confirm(setup, characterId, first.key);
      expect(confirmed.status).toBe(200);
      const portraitUrl = confirmed.body.portraitUrl as string;
      const character = await setup.http('GET', `/v1/characters/${characterId}`, { token: setup.owner.accessToken });
      expect(character.body.portraitUrl).toBe(portraitUrl);
      const image = await fetch(reach(setup.host, portraitUrl));
      expect(image.status).toBe(200);
      expect(image.headers.get('content-type')).toBe('image/png');
      expect(Buffer.from(await image.arrayBuffer())).toEqual(PNG);

      const second = await upload(setup, characterId, JPEG, 'image/jpeg');
      expect(second.key).toMatch(/\.jpg$/);
      const replaced = await confirm(setup, characterId, second.key);
      expect(replaced.status).toBe(200);
      expect(replaced.body.portraitUrl).not.toBe(portraitUrl);
      expect(await setup.storage.head(first.key)).toBeNull();
      expect(await setup.storage.head(second.key)).toEqual({ size: JPEG.length, contentType: 'image/jpeg' });

      const removed = await setup.http('DELETE', `/v1/characters/${characterId}/portrait`, {
        token: setup.owner.accessToken,
      });
      expect(removed.status).toBe(204);
      expect(await setup.storage.head(second.key)).toBeNull();
      expect(
        (await setup.http('GET', `/v1/characters/${characterId}`, { token: setup.owner.accessToken })).body.portraitUrl,
      ).toBeNull();
    });

    it('deletes the portrait object when its character is deleted', async () => {
      const setup = setups[name];
      const characterId = await createCharacter(setup);
      const uploaded = await upload(setup, characterId, PNG, 'image/png');
      expect((await confirm(setup, characterId, uploaded.key)).status).toBe(200);
      expect(await setup.storage.head(uploaded.key)).not.toBeNull();
      const deleted = await setup.http('DELETE', `/v1/characters/${characterId}`, { token: setup.owner.accessToken });
      expect(deleted.status).toBe(204);
      expect(await setup.storage.head(uploaded.key)).toBeNull();
    });

    it.each([
      ['text/plain', { contentType: 'text/plain', size: 10 }],
      ['image/gif', { contentType: 'image/gif', size: 10 }],
      ['a declared size over 2 MiB', { contentType: 'image/png', size: 2 * MIB + 1 }],
      ['a zero size', { contentType: 'image/png', size: 0 }],
      ['a missing size', { contentType: 'image/png' }],
    ])('refuses an upload request with %s (400)', async (_what, body) => {
      const setup = setups[name];
      const characterId = await createCharacter(setup);
      const refused = await setup.http('POST', `/v1/characters/${characterId}/portrait`, {
        token: setup.owner.accessToken,
        body,
      });
      expect(refused.status).toBe(400);
      expect(refused.body.code).toBe('bad_request');
      expect(refused.body.errors.length).toBeGreaterThan(0);
    });

    it('refuses at confirm bytes that are not the declared image type, and deletes them (422)', async () => {
      const setup = setups[name];
      const characterId = await createCharacter(setup);
      const text = Buffer.from('this is not an image at all, just text pretending to be a PNG');
      const sent = await upload(setup, characterId, text, 'image/png');
      expect(await setup.storage.head(sent.key)).not.toBeNull();
      const refused = await confirm(setup, characterId, sent.key);
      expect(refused.status).toBe(422);
      expect(refused.body.detail).toMatch(/not a image\/png image/);
      expect(await setup.storage.head(sent.key)).toBeNull();
      expect(
        (await setup.http('GET', `/v1/characters/${characterId}`, { token: setup.owner.accessToken })).body.portraitUrl,
      ).toBeNull();
    });

    it('refuses a PNG uploaded under a JPEG grant (magic number and type disagree)', async () => {
      const setup = setups[name];
      const characterId = await createCharacter(setup);
      const sent = await upload(setup, characterId, PNG, 'image/jpeg');
      const refused = await confirm(setup, characterId, sent.key);
      expect(refused.status).toBe(422);
      expect(await setup.storage.head(sent.key)).toBeNull();
    });

    it('refuses confirming a key that was never uploaded, or belongs to another character (422)', async () => {
      const setup = setups[name];
      const characterId = await createCharacter(setup);
      const otherCharacter = await createCharacter(setup);
      const missing = await confirm(setup, characterId, `portraits/${characterId}/${'a'.repeat(32)}.png`);
      expect(missing.status).toBe(422);
      const foreign = await upload(setup, otherCharacter, PNG, 'image/png');
      const crossed = await confirm(setup, characterId, foreign.key);
      expect(crossed.status).toBe(422);
      expect(await setup.storage.head(foreign.key)).not.toBeNull();
      for (const key of ['portraits/../secrets.json', `portraits/${characterId}/../../x.png`]) {
        expect((await confirm(setup, characterId, key)).status).toBe(422);
      }
    });

    it('answers 404 to another user requesting, confirming or deleting a portrait', async () => {
      const setup = setups[name];
      const characterId = await createCharacter(setup);
      const sent = await upload(setup, characterId, PNG, 'image/png');
      const asStranger = { token: setup.stranger.accessToken };
      const request = await setup.http('POST', `/v1/characters/${characterId}/portrait`, {
        ...asStranger,
        body: { contentType: 'image/png', size: 100 },
      });
      expect(request.status).toBe(404);
      expect((await confirm(setup, characterId, sent.key, setup.stranger)).status).toBe(404);
      expect((await setup.http('DELETE', `/v1/characters/${characterId}/portrait`, asStranger)).status).toBe(404);
      expect(
        (
          await setup.http('POST', `/v1/characters/${randomUUIDv4()}/portrait`, {
            token: setup.owner.accessToken,
            body: { contentType: 'image/png', size: 1 },
          })
        ).status,
      ).toBe(404);
      expect(
        (
          await setup.http('POST', `/v1/characters/${characterId}/portrait`, {
            body: { contentType: 'image/png', size: 1 },
          })
        ).status,
      ).toBe(401);
      // The stranger's attempts changed nothing: the owner can still confirm.
      expect((await confirm(setup, characterId, sent.key)).status).toBe(200);
    });
  });

  it('shows the portrait to the DM of a group the character is in, who still cannot change it', async () => {
    const setup = setups.local;
    const dm = { token: setup.stranger.accessToken };
    const characterId = await createCharacter(setup);
    const sent = await upload(setup, characterId, PNG, 'image/png');
    const { portraitUrl } = (await confirm(setup, characterId, sent.key)).body as { portraitUrl: string };
    expect((await setup.http('GET', `/v1/characters/${characterId}`, dm)).status).toBe(404);

    const group = await setup.http('POST', '/v1/groups', {
      ...dm,
      body: { name: 'Portrait table', rulesetId: 'generic' },
    });
    const link = await setup.http('POST', `/v1/groups/${group.body.id}/invite`, { ...dm, body: {} });
    expect(
      (
        await setup.http('POST', `/v1/groups/${group.body.id}/join/${link.body.token}`, {
          token: setup.owner.accessToken,
        })
      ).status,
    ).toBe(200);
    const assigned = await setup.http('POST', `/v1/groups/${group.body.id}/characters`, {
      token: setup.owner.accessToken,
      body: { characterId },
    });
    expect(assigned.status).toBeLessThan(300);

    const seenByDm = await setup.http('GET', `/v1/characters/${characterId}`, dm);
    expect(seenByDm.status).toBe(200);
    expect(seenByDm.body.portraitUrl).toBe(portraitUrl);
    // The DM sees the character, so the refusal is 403 (README: may see but not act), not 404.
    expect((await setup.http('DELETE', `/v1/characters/${characterId}/portrait`, dm)).status).toBe(403);
    expect(await setup.storage.head(sent.key)).not.toBeNull();
  });

  it('refuses a 3 MB body at the local upload route (413) and keeps nothing', async () => {
    const setup = setups.local;
    const characterId = await createCharacter(setup);
    const granted = await setup.http('POST', `/v1/characters/${characterId}/portrait`, {
      token: setup.owner.accessToken,
      body: { contentType: 'image/png', size: 2 * MIB },
    });
    const big = Buffer.concat([PNG, randomBytes(3 * 1000 * 1000)]);
    const sent = await fetch(reach(setup.host, granted.body.uploadUrl), {
      method: 'PUT',
      headers: granted.body.headers,
      body: new Uint8Array(big),
    });
    expect(sent.status).toBe(413);
    expect(await setup.storage.head(granted.body.key)).toBeNull();
    expect((await confirm(setup, characterId, granted.body.key)).status).toBe(422);
  });

  it('refuses at confirm, and deletes, a 3 MB object that an S3 store let through', async () => {
    const setup = setups.s3;
    const characterId = await createCharacter(setup);
    const granted = await setup.http('POST', `/v1/characters/${characterId}/portrait`, {
      token: setup.owner.accessToken,
      body: { contentType: 'image/png', size: 2 * MIB },
    });
    // Real S3 refuses this body (Content-Length is signed as 2 MiB); s3rver does not check SigV4 signatures.
    expect(new URL(granted.body.uploadUrl).searchParams.get('X-Amz-SignedHeaders')).toBe(
      'content-length;content-type;host',
    );
    const big = Buffer.concat([PNG, randomBytes(3 * 1000 * 1000)]);
    const sent = await fetch(granted.body.uploadUrl, {
      method: 'PUT',
      headers: granted.body.headers,
      body: new Uint8Array(big),
    });
    expect(sent.status).toBe(200);
    const refused = await confirm(setup, characterId, granted.body.key);
    expect(refused.status).toBe(422);
    expect(refused.body.detail).toMatch(/between 1 and 2097152 bytes/);
    expect(await setup.storage.head(granted.body.key)).toBeNull();
  });

  it('answers 503 problems while the S3 endpoint is unreachable, and recovers', async () => {
    const proxy = new TcpProxy('127.0.0.1', Number(new URL(s3.endpoint).port));
    const host = await startTestHost(
      hostEnv({ DATABASE_URL: database.url, ...s3.env, S3_ENDPOINT: `http://127.0.0.1:${await proxy.start()}` }),
    );
    try {
      const http = createHttp(host.url);
      const setup: Setup = {
        host,
        http,
        storage: host.app.get(StorageService),
        owner: await createUser(http, { dataDir: host.dataDir }),
        stranger: undefined as never,
      };
      const characterId = await createCharacter(setup);
      const sent = await upload(setup, characterId, PNG, 'image/png');
      await proxy.stop();
      const request = await http('POST', `/v1/characters/${characterId}/portrait`, {
        token: setup.owner.accessToken,
        body: { contentType: 'image/png', size: 100 },
      });
      expect(request.status).toBe(503);
      expect(request.headers.get('content-type')).toContain('application/problem+json');
      expect(request.body.code).toBe('dependency_unavailable');
      const confirmed = await confirm(setup, characterId, sent.key);
      expect(confirmed.status).toBe(503);
      await proxy.start();
      expect((await confirm(setup, characterId, sent.key)).status).toBe(200);
    } finally {
      await host.stop();
      await proxy.stop();
    }
  }, 60_000);
});

function randomUUIDv4(): string {
  return crypto.randomUUID();
}
