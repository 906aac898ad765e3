import { describe, expect, it } from '@jest/globals';
import { FakeServices, problem, settle } from '../../test/fake-services.js';
import { CharacterState } from './character.svelte.js';
import { ToastState } from './toasts.svelte.js';

const ID = '33333333-3333-4333-8333-333333333333';
const GROUP = '11111111-1111-4111-8111-111111111111';
const PATH = `/v1/characters/${ID}`;

type Sheet = { name: string; hp: number; notes: string };

/** A fake host holding one character; PUT checks the version (409 when stale) and `hp <= 30` (422). */
function host(fake = new FakeServices()) {
  const server = { version: 2, name: 'Alrik', sheet: { name: 'Alrik', hp: 20, notes: '' } };
  const dto = () => ({
    id: ID,
    name: server.name,
    rulesetId: 'generic',
    rulesetVersion: '1.0.0',
    version: server.version,
    portraitUrl: null,
    updatedAt: '',
    ownerId: fake.user.id,
    sheet: server.sheet,
    rulesetMissing: false,
    createdAt: '',
    groups: [{ groupId: GROUP, groupName: 'Table', isActive: true }],
  });
  fake
    .on('GET', PATH, () => ({ status: 200, body: dto() }))
    .on('PUT', PATH, (body) => {
      const put = body as { version: number; name: string; sheet: Sheet };
      if (put.version !== server.version)
        return { status: 409, body: problem(409, 'stale_version', 'stale', { currentVersion: server.version }) };
      if (put.sheet.hp > 30)
        return {
          status: 422,
          body: problem(422, 'validation_failed', 'The sheet is invalid', {
            errors: [{ path: 'sheet.hp', message: 'must be at most 30' }],
          }),
        };
      Object.assign(server, { version: server.version + 1, name: put.name, sheet: put.sheet });
      return { status: 200, body: dto() };
    })
    .on('POST', '/v1/rulesets/generic/validate', () => ({ status: 200, body: { valid: true, errors: [] } }))
    .on('POST', '/v1/rulesets/generic/stat-blocks', () => ({ status: 200, body: { statBlocks: [] } }))
    .on('POST', '/v1/rulesets/generic/dice-actions', () => ({ status: 200, body: { diceActions: [] } }));
  return { fake, server };
}

async function open(fake: FakeServices, toasts = new ToastState()) {
  const character = new CharacterState(fake.services(), toasts, ID);
  await character.load();
  return character;
}

describe(CharacterState.name, () => {
  it('takes the name the host stored when the sheet’s name was edited, and stops saving', async () => {
    const fake = new FakeServices();
    const { server } = host(fake);
    // The host's rule: an edit of sheet.name alone renames the character (apps/host characters/character-name.ts).
    fake.on('PUT', PATH, (body) => {
      const put = body as { version: number; name: string; sheet: Sheet };
      const name = put.name === server.name && put.sheet.name !== server.name ? put.sheet.name : put.name;
      Object.assign(server, { version: server.version + 1, name, sheet: { ...put.sheet, name } });
      return {
        status: 200,
        body: {
          id: ID,
          name,
          rulesetId: 'generic',
          rulesetVersion: '1.0.0',
          version: server.version,
          portraitUrl: null,
          updatedAt: '',
          ownerId: fake.user.id,
          sheet: server.sheet,
          rulesetMissing: false,
          createdAt: '',
          groups: [],
        },
      };
    });
    const character = await open(fake);
    character.edit({ sheet: { name: 'Alrik Sturmfels', hp: 20, notes: '' } });
    await character.flush();
    expect(character.name).toBe('Alrik Sturmfels');
    expect(character.saveState).toBe('saved');
    expect(fake.requests.filter((r) => r.method === 'PUT')).toHaveLength(1);
    character.dispose();
  });

  it('applies an edit at once and saves it with the version it was based on', async () => {
    const { fake, server } = host();
    const character = await open(fake);
    expect(character.editable).toBe(true);
    character.edit({ sheet: { name: 'Alrik', hp: 18, notes: '' } });
    expect(character.sheet).toEqual({ name: 'Alrik', hp: 18, notes: '' });
    expect(character.saveState).toBe('pending');
    await character.flush();
    expect(character.saveState).toBe('saved');
    expect(server).toMatchObject({ version: 3, sheet: { hp: 18 } });
    expect(fake.requests.find((r) => r.method === 'PUT')?.body).toMatchObject({ version: 2 });
    character.dispose();
  });

  it('rolls a refused save back to the saved sheet, with the field errors and a toast that gives the edit back', async () => {
    const { fake, server } = host();
    const toasts = new ToastState();
    const character = await open(fake, toasts);
    character.edit({ sheet: { name: 'Alrik', hp: 99, notes: '' } });
    await character.flush();
    expect(character.saveState).toBe('refused');
    expect(character.sheet).toEqual({ name: 'Alrik', hp: 20, notes: '' });
    expect(character.errors).toEqual([{ path: 'hp', message: 'must be at most 30' }]);
    expect(server.version).toBe(2);
    const toast = toasts.items.find((item) => item.kind === 'error');
    expect(toast?.message).toContain('Not saved');
    const revision = character.externalRevision;
    toast?.action?.run();
    expect(character.sheet).toEqual({ name: 'Alrik', hp: 99, notes: '' });
    expect(character.externalRevision).toBe(revision + 1);
    expect(fake.drafts.size).toBe(1);
    character.dispose();
    toasts.clear();
  });

  it('waits for a choice on a stale version: overwrite with mine, or keep theirs', async () => {
    const { fake, server } = host();
    const character = await open(fake);
    server.version = 5;
    server.sheet = { name: 'Alrik', hp: 10, notes: 'theirs' };
    character.edit({ sheet: { name: 'Alrik', hp: 20, notes: 'mine' } });
    await character.flush();
    expect(character.saveState).toBe('conflict');
    expect(character.conflictVersion).toBe(5);
    expect(fake.drafts.size).toBe(1);
    await character.overwriteWithMine();
    expect(server).toMatchObject({ version: 6, sheet: { notes: 'mine' } });
    expect(character.saveState).toBe('saved');

    server.version = 9;
    character.edit({ sheet: { name: 'Alrik', hp: 20, notes: 'mine again' } });
    await character.flush();
    expect(character.saveState).toBe('conflict');
    await character.keepTheirs();
    expect(character.sheet).toMatchObject({ notes: 'mine' });
    expect(character.saveState).toBe('saved');
    expect(fake.drafts.size).toBe(0);
    character.dispose();
  });

  it("merges a change made elsewhere (the DM's damage) under unsaved edits", async () => {
    const { fake, server } = host();
    const character = await open(fake);
    character.edit({ sheet: { name: 'Alrik', hp: 20, notes: 'my notes' } });
    server.version = 3;
    server.sheet = { name: 'Alrik', hp: 15, notes: '' };
    const damage = { groupId: GROUP, seq: 4, type: 'character.resource_changed', createdAt: '' } as const;
    fake.emit({
      ...damage,
      payload: { characterId: ID, resource: 'hp', value: 15, delta: -5, version: 3, changedBy: 'dm' },
    });
    await settle();
    await settle();
    expect(character.sheet).toEqual({ name: 'Alrik', hp: 15, notes: 'my notes' });
    await character.flush();
    expect(server).toMatchObject({ version: 4, sheet: { hp: 15, notes: 'my notes' } });
    character.dispose();
  });

  it('keeps unsaved edits as a draft, and offers it back on the next visit', async () => {
    const { fake } = host();
    fake.on('PUT', PATH, () => ({ status: 503, body: problem(503, 'dependency_unavailable', 'down') }));
    const first = await open(fake);
    first.edit({ sheet: { name: 'Alrik', hp: 20, notes: 'written offline' } });
    await first.flush();
    expect(first.saveState).toBe('offline');
    first.dispose();
    const second = await open(fake);
    expect(second.draft?.sheet).toEqual({ name: 'Alrik', hp: 20, notes: 'written offline' });
    second.restoreDraft();
    expect(second.sheet).toEqual({ name: 'Alrik', hp: 20, notes: 'written offline' });
    expect(second.dirty).toBe(true);
    second.dispose();
  });
});
