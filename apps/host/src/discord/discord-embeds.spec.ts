import { describe, expect, it } from '@jest/globals';
import { breakdown, fitEmbed } from './discord-embeds.js';

describe(fitEmbed.name, () => {
  it('keeps an embed within Discord’s limits: parts clipped, ≤ 25 fields, ≤ 6000 characters', () => {
    const fitted = fitEmbed({
      title: 't'.repeat(300),
      description: 'd'.repeat(5000),
      fields: Array.from({ length: 40 }, (_, index) => ({ name: `n${index}`, value: 'v'.repeat(2000) })),
      footer: { text: 'f'.repeat(3000) },
    });
    expect(fitted.title).toHaveLength(256);
    expect(fitted.title?.endsWith('…')).toBe(true);
    expect(fitted.description!.length).toBeLessThanOrEqual(4096);
    expect(fitted.fields!.length).toBeLessThanOrEqual(25);
    expect(fitted.fields!.every((field) => field.value.length <= 1024 && field.value.length > 0)).toBe(true);
    const total =
      fitted.title!.length +
      fitted.description!.length +
      fitted.footer!.text.length +
      fitted.fields!.reduce((sum, field) => sum + field.name.length + field.value.length, 0);
    expect(total).toBeLessThanOrEqual(6000);
  });

  it('gives empty field values a dash (Discord refuses empty ones)', () => {
    expect(fitEmbed({ fields: [{ name: 'Members', value: '  ' }] }).fields).toEqual([{ name: 'Members', value: '—' }]);
  });
});

describe(breakdown.name, () => {
  it('shows kept dice bold, dropped dice struck, the modifier and the total', () => {
    expect(
      breakdown([{ dice: [{ sign: '+', sides: 20, faces: [14, 3], dropped: [1] }], modifier: 3, total: 17 }]),
    ).toBe('2d20 (**14**, ~~3~~) + 3 = `17`');
    expect(
      breakdown([
        { name: 'Hit', dice: [{ sign: '+', sides: 20, faces: [5] }], modifier: 0, total: 5 },
        { name: 'Damage', dice: [{ sign: '+', sides: 6, faces: [2, 6] }], modifier: -1, total: 7 },
      ]),
    ).toBe('Hit: 1d20 (**5**) = `5`\nDamage: 2d6 (**2**, **6**) - 1 = `7`');
  });
});
