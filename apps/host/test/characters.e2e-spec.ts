import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CharacterSheetMigrator } from '../src/characters/character-sheet-migrator.js';
import { REPO_PLUGINS_DIR } from './support/plugins.js';
import { registerVerifiedUser, startCampaignHost, type CampaignHost, type TestUser } from './support/users.js';

async function fixture(path: string): Promise<any> {
  return JSON.parse(await readFile(join(REPO_PLUGINS_DIR, path), 'utf8'));
}

describe('portable characters', () => {
  let ctx: CampaignHost;
  let dm: TestUser;
  let player: TestUser;
  let other: TestUser;

  beforeAll(async () => {
    ctx = await startCampaignHost(['generic', 'dsa5e']);
    [dm, player, other] = await Promise.all([
      registerVerifiedUser(ctx.http, ctx.smtp, 'DM'),
      registerVerifiedUser(ctx.http, ctx.smtp, 'Player'),
      registerVerifiedUser(ctx.http, ctx.smtp, 'Other Player'),
    ]);
  }, 60_000);

  afterAll(async () => {
    await ctx?.stop();
  });

  async function characterCount(): Promise<number> {
    const { rows } = await ctx.db.query(`SELECT count(*)::int AS n FROM characters`);
    return rows[0].n;
  }

  async function genericCharacter(owner: TestUser, hp = { current: 500, max: 1000 }, name = 'Hero'): Promise<any> {
    const created = await ctx.as(owner)('POST', '/v1/characters', {
      rulesetId: 'generic',
      name,
      sheet: { name, hp, fields: [], notes: '' },
    });
    expect(created.status).toBe(201);
    return created.body;
  }

  async function groupWith(rulesetId: string, members: TestUser[]): Promise<string> {
    const group = await ctx.as(dm)('POST', '/v1/groups', { name: `${rulesetId} table`, rulesetId });
    const link = await ctx.as(dm)('POST', `/v1/groups/${group.body.id}/invite`, {});
    for (const member of members)
      expect((await ctx.as(member)('POST', `/v1/groups/${group.body.id}/join/${link.body.token}`)).status).toBe(200);
    return group.body.id;
  }

  it('creates a character from the default sheet and rejects invalid sheets without storing anything', async () => {
    const created = await ctx.as(player)('POST', '/v1/characters', { rulesetId: 'generic', name: 'Default' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'Default',
      rulesetId: 'generic',
      rulesetVersion: '1.0.0',
      version: 1,
      ownerId: player.id,
      rulesetMissing: false,
    });
    expect(created.body.sheet).toHaveProperty('hp');
    const before = await characterCount();
    const invalid = await ctx.as(player)('POST', '/v1/characters', {
      rulesetId: 'generic',
      name: 'Broken',
      sheet: await fixture('generic/fixtures/invalid/hp-over-max.json'),
    });
    expect(invalid.status).toBe(422);
    expect(invalid.body.errors.length).toBeGreaterThan(0);
    expect(invalid.body.errors.every((error: { path: string }) => error.path.startsWith('sheet'))).toBe(true);
    const unknown = await ctx.as(player)('POST', '/v1/characters', { rulesetId: 'nope', name: 'X' });
    expect(unknown.status).toBe(422);
    expect(unknown.body.errors).toEqual([expect.objectContaining({ path: 'rulesetId' })]);
    expect(await characterCount()).toBe(before);
    const list = await ctx.as(player)('GET', '/v1/characters');
    expect(list.body.map((c: { id: string }) => c.id)).toContain(created.body.id);
    expect((await ctx.as(other)('GET', '/v1/characters')).body.map((c: { id: string }) => c.id)).not.toContain(
      created.body.id,
    );
  });

  it('rejects a stale full write with 409 and changes nothing; PATCH merges', async () => {
    const hero = await genericCharacter(player);
    const put = await ctx.as(player)('PUT', `/v1/characters/${hero.id}`, {
      name: 'Renamed',
      version: 1,
      sheet: { ...hero.sheet, notes: 'first write' },
    });
    expect(put.status).toBe(200);
    expect(put.body.version).toBe(2);
    const stale = await ctx.as(player)('PUT', `/v1/characters/${hero.id}`, {
      name: 'Lost',
      version: 1,
      sheet: { ...hero.sheet, notes: 'lost' },
    });
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({ code: 'stale_version', currentVersion: 2 });
    const current = await ctx.as(player)('GET', `/v1/characters/${hero.id}`);
    expect(current.body).toMatchObject({ name: 'Renamed', version: 2 });
    expect(current.body.sheet.notes).toBe('first write');

    const patched = await ctx.as(player)('PATCH', `/v1/characters/${hero.id}`, {
      version: 2,
      sheetPatch: { hp: { current: 250 }, notes: null },
    });
    expect(patched.status).toBe(422);
    const merged = await ctx.as(player)('PATCH', `/v1/characters/${hero.id}`, {
      version: 2,
      sheetPatch: { hp: { current: 250 } },
      name: 'Patched',
    });
    expect(merged.status).toBe(200);
    expect(merged.body).toMatchObject({ name: 'Patched', version: 3 });
    expect(merged.body.sheet.hp).toEqual({ current: 250, max: 1000 });
    expect(merged.body.sheet.notes).toBe('first write');
  });

  it('keeps exactly the last 10 versions and restores an old one as a new version', async () => {
    const hero = await genericCharacter(player);
    let version = 1;
    for (let n = 1; n <= 12; n += 1) {
      const written = await ctx.as(player)('PUT', `/v1/characters/${hero.id}`, {
        name: `Hero ${n}`,
        version,
        sheet: { ...hero.sheet, notes: `write ${n}` },
      });
      expect(written.status).toBe(200);
      version = written.body.version;
    }
    expect(version).toBe(13);
    const history = await ctx.as(player)('GET', `/v1/characters/${hero.id}/history`);
    expect(history.status).toBe(200);
    expect(history.body.map((entry: { version: number }) => entry.version)).toEqual([13, 12, 11, 10, 9, 8, 7, 6, 5, 4]);
    expect(history.body[0].sheet.notes).toBe('write 12');
    const { rows } = await ctx.db.query(`SELECT count(*)::int AS n FROM character_versions WHERE character_id = $1`, [
      hero.id,
    ]);
    expect(rows[0].n).toBe(10);

    expect((await ctx.as(player)('POST', `/v1/characters/${hero.id}/history/5/restore`, { version: 12 })).status).toBe(
      409,
    );
    expect((await ctx.as(player)('POST', `/v1/characters/${hero.id}/history/2/restore`, { version: 13 })).status).toBe(
      404,
    );
    const restored = await ctx.as(player)('POST', `/v1/characters/${hero.id}/history/5/restore`, { version: 13 });
    expect(restored.status).toBe(200);
    expect(restored.body).toMatchObject({ version: 14, name: 'Hero 4' });
    expect(restored.body.sheet.notes).toBe('write 4');
    expect((await ctx.as(other)('GET', `/v1/characters/${hero.id}/history`)).status).toBe(404);
  });

  it('applies 100 concurrent HP deltas to the exact sum, without history entries', async () => {
    const hero = await genericCharacter(player, { current: 500, max: 1000 });
    const deltas = Array.from({ length: 100 }, (_, i) => (i % 3 === 0 ? -4 : 7));
    const expected = 500 + deltas.reduce((sum, delta) => sum + delta, 0);
    const results = await Promise.all(
      deltas.map((delta) => ctx.as(player)('POST', `/v1/characters/${hero.id}/resources`, { resource: 'hp', delta })),
    );
    expect(results.map((result) => result.status).filter((status) => status !== 200)).toEqual([]);
    const after = await ctx.as(player)('GET', `/v1/characters/${hero.id}`);
    expect(after.body.sheet.hp).toEqual({ current: expected, max: 1000 });
    expect(after.body.version).toBe(101);
    expect(new Set(results.map((result) => result.body.version)).size).toBe(100);
    const history = await ctx.as(player)('GET', `/v1/characters/${hero.id}/history`);
    expect(history.body.map((entry: { version: number }) => entry.version)).toEqual([1]);
  }, 60_000);

  it('clamps deltas to the resource bounds and refuses unknown resources and huge deltas', async () => {
    const hero = await genericCharacter(player, { current: 5, max: 12 });
    const down = await ctx.as(player)('POST', `/v1/characters/${hero.id}/resources`, {
      resource: 'hp',
      delta: -100_000,
    });
    expect(down.body).toMatchObject({ resource: 'hp', value: 0, appliedDelta: -5, min: 0, max: 12 });
    const up = await ctx.as(player)('POST', `/v1/characters/${hero.id}/resources`, { resource: 'hp', delta: 100_000 });
    expect(up.body).toMatchObject({ value: 12, appliedDelta: 12 });
    const unknown = await ctx.as(player)('POST', `/v1/characters/${hero.id}/resources`, { resource: 'mana', delta: 1 });
    expect(unknown.status).toBe(422);
    expect(unknown.body.errors).toEqual([expect.objectContaining({ path: 'resource' })]);
    expect(
      (await ctx.as(player)('POST', `/v1/characters/${hero.id}/resources`, { resource: 'hp', delta: 100_001 })).status,
    ).toBe(400);
    expect(
      (await ctx.as(player)('POST', `/v1/characters/${hero.id}/resources`, { resource: 'hp', delta: 1.5 })).status,
    ).toBe(400);
    expect(
      (await ctx.as(other)('POST', `/v1/characters/${hero.id}/resources`, { resource: 'hp', delta: -1 })).status,
    ).toBe(404);
    expect((await ctx.as(player)('GET', `/v1/characters/${hero.id}`)).body.sheet.hp).toEqual({ current: 12, max: 12 });
  });

  it('runs the DM flow: import a DSA5 hero from .cmchar and from Optolith, assign, deltas and edits', async () => {
    const groupId = await groupWith('dsa5e', [player, other]);
    const cmchar = {
      cm_version: 1,
      ruleset_id: 'dsa5e',
      ruleset_version: '1.0.0',
      name: 'Alrik',
      sheet_data: await fixture('dsa5e/fixtures/valid/human-worked-example.json'),
    };
    const dsaVersion = (await ctx.http('GET', '/v1/rulesets/dsa5e')).body.version;
    cmchar.ruleset_version = dsaVersion;
    const imported = await ctx.as(player)('POST', '/v1/characters/import', { format: 'cmchar', document: cmchar });
    expect(imported.status).toBe(201);
    expect(imported.body.character).toMatchObject({ name: 'Alrik', rulesetId: 'dsa5e', version: 1 });
    // The character's name is the truth: the sheet's own name follows it.
    expect(imported.body.character.sheet).toEqual({ ...cmchar.sheet_data, name: 'Alrik' });
    const alrik = imported.body.character.id as string;

    const optolith = await ctx.as(player)('POST', '/v1/characters/import', {
      format: 'foreign',
      data: await fixture('dsa5e/fixtures/import/optolith-hero.json'),
    });
    expect(optolith.status).toBe(201);
    expect(optolith.body.character).toMatchObject({ rulesetId: 'dsa5e', name: 'Robak Sturmfels' });
    // culture, profession, variants and sex survive the import (issue 13), named ids are listed in a warning
    expect(optolith.body.character.sheet.details).toMatchObject({
      culture: 'C_18',
      profession: 'P_127',
      speciesVariant: 'RV_1',
      sex: 'm',
      family: 'Sturmfels',
    });
    expect(optolith.body.warnings).toEqual(
      expect.arrayContaining([expect.stringContaining('culture C_18, profession P_127')]),
    );
    const robak = optolith.body.character.id as string;

    const generic = await genericCharacter(player);
    const mismatch = await ctx.as(player)('POST', `/v1/groups/${groupId}/characters`, { characterId: generic.id });
    expect(mismatch.status).toBe(422);
    expect(mismatch.body.errors).toEqual([expect.objectContaining({ path: 'characterId' })]);
    expect((await ctx.as(other)('POST', `/v1/groups/${groupId}/characters`, { characterId: alrik })).status).toBe(404);

    expect(
      (await ctx.as(player)('POST', `/v1/groups/${groupId}/characters`, { characterId: alrik })).body,
    ).toMatchObject({ characterId: alrik, isActive: true });
    const second = await ctx.as(player)('POST', `/v1/groups/${groupId}/characters`, { characterId: robak });
    expect(second.body).toMatchObject({ isActive: true });
    const listed = await ctx.as(other)('GET', `/v1/groups/${groupId}/characters`);
    expect(listed.body.map((c: any) => [c.name, c.isActive, c.ownerId, c.canReadSheet])).toEqual([
      ['Alrik', false, player.id, false],
      ['Robak Sturmfels', true, player.id, false],
    ]);
    expect(listed.body[0]).not.toHaveProperty('sheet');
    await expect(
      ctx.db.query(`UPDATE group_characters SET is_active = true WHERE group_id = $1 AND character_id = $2`, [
        groupId,
        alrik,
      ]),
    ).rejects.toMatchObject({ code: '23505', constraint: 'UQ_group_characters_one_active' });

    // The DM reads the group's characters and applies deltas; other players cannot read them.
    const dmView = await ctx.as(dm)('GET', `/v1/characters/${alrik}`);
    expect(dmView.status).toBe(200);
    expect(dmView.body.groups).toEqual([{ groupId, groupName: 'dsa5e table', isActive: false }]);
    const notFoundBody = await ctx.as(other)('GET', `/v1/characters/00000000-0000-4000-8000-000000000000`);
    const hidden = await ctx.as(other)('GET', `/v1/characters/${alrik}`);
    expect(hidden.status).toBe(404);
    expect({ ...hidden.body, instance: 0 }).toEqual({ ...notFoundBody.body, instance: 0 });
    const lep = await ctx.as(dm)('POST', `/v1/characters/${alrik}/resources`, { resource: 'lep', delta: -7 });
    expect(lep.status).toBe(200);
    expect(lep.body).toMatchObject({ resource: 'lep', value: 22, appliedDelta: -7 });
    // The group list carries the resource bars to those who may read the sheet (the DM, the owner), to no one else.
    const bars = (await ctx.as(dm)('GET', `/v1/groups/${groupId}/characters`)).body;
    expect(bars.find((c: any) => c.characterId === alrik).resources).toEqual(
      expect.arrayContaining([{ id: 'lep', label: expect.any(String), value: 22, min: expect.any(Number), max: 29 }]),
    );
    expect((await ctx.as(player)('GET', `/v1/groups/${groupId}/characters`)).body[0].resources).not.toBeNull();
    const othersView = (await ctx.as(other)('GET', `/v1/groups/${groupId}/characters`)).body;
    expect(othersView.map((c: any) => c.resources)).toEqual([null, null]);
    expect(
      (await ctx.as(dm)('PUT', `/v1/characters/${alrik}`, { name: 'DM edit', version: 2, sheet: cmchar.sheet_data }))
        .status,
    ).toBe(403);
    expect((await ctx.as(dm)('DELETE', `/v1/characters/${alrik}`)).status).toBe(403);

    const edit = await ctx.as(player)('PATCH', `/v1/characters/${alrik}`, {
      version: 2,
      sheetPatch: { notes: 'Wounded by an orc' },
    });
    expect(edit.status).toBe(200);
    expect(edit.body.sheet.current.lep).toBe(22);
    expect(edit.body.sheet.notes).toBe('Wounded by an orc');

    const { rows } = await ctx.db.query(
      `SELECT seq::int AS seq, type, payload FROM group_events WHERE group_id = $1 ORDER BY seq`,
      [groupId],
    );
    expect(rows.map((row) => row.seq)).toEqual(rows.map((_, index) => index + 1));
    expect(rows.map((row) => row.type)).toEqual([
      'member.joined',
      'member.joined',
      'character.assigned',
      'character.assigned',
      'character.resource_changed',
      'character.updated',
    ]);
    expect(rows[4].payload).toEqual({
      characterId: alrik,
      resource: 'lep',
      value: 22,
      delta: -7,
      version: 2,
      changedBy: dm.id,
    });
    expect(rows[5].payload).toEqual({ characterId: alrik, version: 3, name: 'Alrik', updatedBy: player.id });

    // The DM may unassign; a removed player's characters leave the group.
    expect((await ctx.as(other)('DELETE', `/v1/groups/${groupId}/characters/${robak}`)).status).toBe(403);
    expect((await ctx.as(dm)('DELETE', `/v1/groups/${groupId}/characters/${robak}`)).status).toBe(204);
    expect((await ctx.as(dm)('DELETE', `/v1/groups/${groupId}/members/${player.id}`)).status).toBe(204);
    expect((await ctx.as(dm)('GET', `/v1/characters/${alrik}`)).status).toBe(404);
    expect((await ctx.as(player)('GET', `/v1/characters/${alrik}`)).status).toBe(200);
  });

  it('exports a .cmchar that imports back to an identical sheet', async () => {
    const hero = await genericCharacter(player, { current: 3, max: 9 }, 'Ünïcode "Hero"');
    const exported = await ctx.as(player)('GET', `/v1/characters/${hero.id}/export`);
    expect(exported.status).toBe(200);
    expect(exported.headers.get('content-disposition')).toContain('attachment; filename="');
    expect(exported.headers.get('content-disposition')).toContain(
      `filename*=UTF-8''${encodeURIComponent('Ünïcode "Hero".cmchar')}`,
    );
    expect(exported.body).toMatchObject({
      cm_version: 1,
      ruleset_id: 'generic',
      ruleset_version: '1.0.0',
      name: hero.name,
      sheet_data: hero.sheet,
    });
    const back = await ctx.as(other)('POST', '/v1/characters/import', { format: 'cmchar', document: exported.body });
    expect(back.status).toBe(201);
    expect(back.body.character.sheet).toEqual(hero.sheet);
    expect(back.body.character.ownerId).toBe(other.id);
    expect((await ctx.as(other)('GET', `/v1/characters/${hero.id}/export`)).status).toBe(404);
  });

  it('refuses invalid and hostile imports without creating anything', async () => {
    const before = await characterCount();
    const invalid = await ctx.as(player)('POST', '/v1/characters/import', {
      format: 'cmchar',
      document: {
        cm_version: 1,
        ruleset_id: 'generic',
        name: 'Bad',
        sheet_data: { name: 'Bad', hp: { current: 'lots' } },
      },
    });
    expect(invalid.status).toBe(422);
    expect(invalid.body.errors.length).toBeGreaterThan(0);
    expect(invalid.body.errors.every((error: { path: string }) => error.path.startsWith('document'))).toBe(true);
    const unknownRuleset = await ctx.as(player)('POST', '/v1/characters/import', {
      format: 'cmchar',
      document: { cm_version: 1, ruleset_id: 'nope', name: 'X', sheet_data: {} },
    });
    expect(unknownRuleset.status).toBe(422);
    const notAnExport = await ctx.as(player)('POST', '/v1/characters/import', {
      format: 'foreign',
      data: { hello: 'world' },
    });
    expect(notAnExport.status).toBe(422);
    const missingDocument = await ctx.as(player)('POST', '/v1/characters/import', { format: 'cmchar' });
    expect(missingDocument.status).toBe(400);

    const huge = await ctx.as(player)('POST', '/v1/characters/import', {
      format: 'cmchar',
      document: { cm_version: 1, ruleset_id: 'generic', name: 'Huge', sheet_data: { notes: 'x'.repeat(1_100_000) } },
    });
    expect(huge.status).toBe(413);

    const raw = (body: string) =>
      ctx.http('POST', '/v1/characters/import', {
        token: player.accessToken,
        rawBody: body,
        headers: { 'content-type': 'application/json' },
      });
    const deep = (levels: number) => `${'{"d":'.repeat(levels)}1${'}'.repeat(levels)}`;
    for (const levels of [40, 100_000]) {
      const nested = await raw(
        `{"format":"cmchar","document":{"cm_version":1,"ruleset_id":"generic","name":"Deep","sheet_data":${deep(levels)}}}`,
      );
      expect([400, 422]).toContain(nested.status);
    }
    const deepSheet = await ctx.http('POST', '/v1/characters', {
      token: player.accessToken,
      rawBody: `{"rulesetId":"generic","name":"Deep","sheet":${deep(100_000)}}`,
      headers: { 'content-type': 'application/json' },
    });
    expect([400, 422]).toContain(deepSheet.status);

    const protoBody = `{"format":"cmchar","document":{"cm_version":1,"ruleset_id":"generic","name":"P","sheet_data":{"name":"P","hp":{"current":1,"max":2},"fields":[],"notes":"","__proto__":{"admin":true}}}}`;
    const polluted = await raw(protoBody);
    expect([400, 422]).toContain(polluted.status);
    const constructorBody = `{"format":"cmchar","document":{"cm_version":1,"ruleset_id":"generic","name":"P","sheet_data":{"name":"P","hp":{"current":1,"max":2},"fields":[],"notes":"","constructor":{"prototype":{"admin":true}}}}}`;
    const polluted2 = await raw(constructorBody);
    expect([400, 422]).toContain(polluted2.status);
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
    expect(await characterCount()).toBe(before);
  });

  it('keeps name and sheet.name equal: the name wins, an edit of sheet.name alone renames', async () => {
    const created = await ctx.as(player)('POST', '/v1/characters', {
      rulesetId: 'generic',
      name: 'Pia die Zwergin',
      sheet: { name: 'Neuer Held', hp: { current: 5, max: 10 }, fields: [], notes: '' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'Pia die Zwergin', sheet: { name: 'Pia die Zwergin' } });
    const id = created.body.id as string;
    const patched = await ctx.as(player)('PATCH', `/v1/characters/${id}`, { version: 1, sheetPatch: { name: 'Pia' } });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ name: 'Pia', sheet: { name: 'Pia' }, version: 2 });
    const replaced = await ctx.as(player)('PUT', `/v1/characters/${id}`, {
      version: 2,
      name: 'Brunhild',
      sheet: { ...patched.body.sheet, name: 'Pia' },
    });
    expect(replaced.body).toMatchObject({ name: 'Brunhild', sheet: { name: 'Brunhild' }, version: 3 });
    const stored = await ctx.db.query(`SELECT name, sheet_data->>'name' AS sheet_name FROM characters WHERE id = $1`, [
      id,
    ]);
    expect(stored.rows[0]).toEqual({ name: 'Brunhild', sheet_name: 'Brunhild' });
    // A row stored apart before (as on an older host) reads and exports with the character's name.
    await ctx.db.query(
      `UPDATE characters SET sheet_data = jsonb_set(sheet_data, '{name}', '"Neuer Held"') WHERE id = $1`,
      [id],
    );
    expect((await ctx.as(player)('GET', `/v1/characters/${id}`)).body.sheet.name).toBe('Brunhild');
    expect((await ctx.as(player)('GET', `/v1/characters/${id}/export`)).body).toMatchObject({
      name: 'Brunhild',
      sheet_data: { name: 'Brunhild' },
    });
  });

  it('reads an old sheet migrated in memory without writing (owner or DM); the batch stores it by its owner', async () => {
    const migration = await fixture('generic/fixtures/migrations/0.9.0-to-1.0.0.json');
    const { rows } = await ctx.db.query(
      `INSERT INTO characters (owner_user_id, ruleset_id, ruleset_version, name, sheet_data) VALUES ($1, 'generic', $2, 'Old Timer', $3) RETURNING id`,
      [player.id, migration.from, JSON.stringify(migration.sheet)],
    );
    const id = rows[0].id as string;
    const groupId = await groupWith('generic', [player]);
    expect((await ctx.as(player)('POST', `/v1/groups/${groupId}/characters`, { characterId: id })).status).toBe(200);
    const stored = async () =>
      (
        await ctx.db.query(
          `SELECT c.ruleset_version, c.sheet_data, c.version, (SELECT count(*)::int FROM character_versions v WHERE v.character_id = c.id) AS history,
                  (SELECT count(*)::int FROM group_events e WHERE e.group_id = $2 AND e.type = 'character.updated') AS announced
             FROM characters c WHERE c.id = $1`,
          [id, groupId],
        )
      ).rows[0];
    const before = await stored();
    expect(before).toMatchObject({ ruleset_version: migration.from, version: 1, announced: 0 });

    for (const reader of [player, dm]) {
      const read = await ctx.as(reader)('GET', `/v1/characters/${id}`);
      expect(read.status).toBe(200);
      expect(read.body).toMatchObject({ rulesetVersion: '1.0.0', version: 1 });
      expect(read.body.sheet).toEqual(migration.expected);
      const exported = await ctx.as(reader)('GET', `/v1/characters/${id}/export`);
      expect(exported.body).toMatchObject({ ruleset_version: '1.0.0', sheet_data: migration.expected });
    }
    expect(await stored()).toEqual(before);

    // A ruleset version being served runs the batch (at start-up and on a reload); here it is run directly.
    const migrator = ctx.host.app.get(CharacterSheetMigrator, { strict: false });
    await migrator.idle();
    expect(await migrator.migrate('generic')).toEqual({ migrated: 1, failed: 0 });
    expect(await stored()).toEqual({
      ruleset_version: '1.0.0',
      sheet_data: migration.expected,
      version: 2,
      history: before.history + 1,
      announced: 1,
    });
    const { rows: events } = await ctx.db.query(
      `SELECT payload FROM group_events WHERE group_id = $1 AND type = 'character.updated'`,
      [groupId],
    );
    expect(events[0].payload).toMatchObject({ characterId: id, version: 2, updatedBy: player.id });
    expect(await migrator.migrate('generic')).toEqual({ migrated: 0, failed: 0 });

    const orphan = await ctx.db.query(
      `INSERT INTO characters (owner_user_id, ruleset_id, ruleset_version, name, sheet_data) VALUES ($1, 'uninstalled', '3.0.0', 'Orphan', '{"a":1}') RETURNING id`,
      [player.id],
    );
    const orphanRead = await ctx.as(player)('GET', `/v1/characters/${orphan.rows[0].id}`);
    expect(orphanRead.body).toMatchObject({ rulesetMissing: true, sheet: { a: 1 }, version: 1 });
    const write = await ctx.as(player)('PUT', `/v1/characters/${orphan.rows[0].id}`, {
      name: 'Orphan',
      version: 1,
      sheet: { a: 2 },
    });
    expect(write.status).toBe(422);
    expect(write.body.errors).toEqual([expect.objectContaining({ path: 'rulesetId' })]);
  });

  it('writes gap-free group events under concurrent writers from several groups', async () => {
    const first = await groupWith('generic', [player]);
    const second = await groupWith('generic', [player]);
    const hero = await genericCharacter(player, { current: 500, max: 1000 });
    for (const groupId of [first, second])
      await ctx.as(player)('POST', `/v1/groups/${groupId}/characters`, { characterId: hero.id, active: false });
    const writes = Array.from({ length: 30 }, (_, i) =>
      ctx.as(i % 2 === 0 ? dm : player)('POST', `/v1/characters/${hero.id}/resources`, {
        resource: 'hp',
        delta: i % 2 === 0 ? -1 : 1,
      }),
    );
    const renames = [
      ctx.as(dm)('PATCH', `/v1/groups/${first}`, { name: 'Renamed 1' }),
      ctx.as(dm)('PATCH', `/v1/groups/${second}`, { name: 'Renamed 2' }),
    ];
    expect(
      (await Promise.all([...writes, ...renames])).map((result) => result.status).filter((status) => status !== 200),
    ).toEqual([]);
    for (const groupId of [first, second]) {
      const { rows } = await ctx.db.query(
        `SELECT seq::int AS seq, type FROM group_events WHERE group_id = $1 ORDER BY seq`,
        [groupId],
      );
      const { rows: counter } = await ctx.db.query(`SELECT event_seq::int AS seq FROM groups WHERE id = $1`, [groupId]);
      expect(rows.map((row) => row.seq)).toEqual(rows.map((_, index) => index + 1));
      expect(counter[0].seq).toBe(rows.length);
      expect(rows.filter((row) => row.type === 'character.resource_changed')).toHaveLength(30);
      expect(rows.filter((row) => row.type === 'group.updated')).toHaveLength(1);
    }
    expect((await ctx.as(player)('GET', `/v1/characters/${hero.id}`)).body.sheet.hp.current).toBe(500);
  }, 60_000);

  it('deletes a character and announces it to its groups', async () => {
    const groupId = await groupWith('generic', [player]);
    const hero = await genericCharacter(player);
    await ctx.as(player)('POST', `/v1/groups/${groupId}/characters`, { characterId: hero.id });
    expect((await ctx.as(other)('DELETE', `/v1/characters/${hero.id}`)).status).toBe(404);
    expect((await ctx.as(player)('DELETE', `/v1/characters/${hero.id}`)).status).toBe(204);
    expect((await ctx.as(player)('GET', `/v1/characters/${hero.id}`)).status).toBe(404);
    const { rows } = await ctx.db.query(
      `SELECT type, payload FROM group_events WHERE group_id = $1 ORDER BY seq DESC LIMIT 1`,
      [groupId],
    );
    expect(rows[0]).toEqual({ type: 'character.unassigned', payload: { characterId: hero.id, userId: player.id } });
    expect((await ctx.as(dm)('GET', `/v1/groups/${groupId}/characters`)).body).toEqual([]);
  });
});
