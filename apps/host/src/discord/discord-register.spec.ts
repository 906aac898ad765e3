import { describe, expect, it } from '@jest/globals';
import { COMMANDS } from './discord-commands.js';
import { diffCommands } from './discord-register.js';

describe(diffCommands.name, () => {
  it('tells added, changed, removed and unchanged commands apart, ignoring what Discord adds', () => {
    const registered = COMMANDS.filter((command) => command.name !== 'npc').map((command) => ({
      ...command,
      id: '1',
      application_id: '2',
      version: '3',
      ...(command.name === 'hp' ? { description: 'An older description' } : {}),
    }));
    registered.push({ name: 'old', description: 'Gone', id: '4', application_id: '2', version: '1' });
    expect(diffCommands(registered, COMMANDS)).toEqual({
      added: ['npc'],
      changed: ['hp'],
      removed: ['old'],
      unchanged: ['link', 'unlink', 'campaign', 'roll', 'character'],
    });
  });

  it('keeps every command within Discord’s documented limits', () => {
    for (const command of COMMANDS) {
      expect(command.name).toMatch(/^[-_'\p{L}\p{N}]{1,32}$/u);
      expect(command.description.length).toBeGreaterThan(0);
      expect(command.description.length).toBeLessThanOrEqual(100);
      expect((command.options ?? []).length).toBeLessThanOrEqual(25);
    }
  });
});
