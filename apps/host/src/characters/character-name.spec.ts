import { describe, expect, it } from '@jest/globals';
import { mirrorName, reconcileName } from './character-name.js';

describe(reconcileName.name, () => {
  it('takes the requested name on create and writes it into the sheet', () => {
    expect(reconcileName(undefined, 'Pia die Zwergin', { name: 'Neuer Held', hp: 3 })).toEqual({
      name: 'Pia die Zwergin',
      sheet: { name: 'Pia die Zwergin', hp: 3 },
    });
  });

  it('renames when the name changes, whatever the sheet says', () => {
    expect(reconcileName('Pia', 'Pia die Zwergin', { name: 'Pia' }).sheet).toEqual({ name: 'Pia die Zwergin' });
  });

  it('renames to the sheet’s name when only the sheet changed it', () => {
    expect(reconcileName('Neuer Held', 'Neuer Held', { name: ' Pia die Zwergin ' })).toEqual({
      name: 'Pia die Zwergin',
      sheet: { name: 'Pia die Zwergin' },
    });
  });

  it('keeps the name when the sheet’s name could not be one (blank or too long)', () => {
    expect(reconcileName('Pia', 'Pia', { name: '  ' })).toEqual({ name: 'Pia', sheet: { name: 'Pia' } });
    expect(reconcileName('Pia', 'Pia', { name: 'x'.repeat(101) }).name).toBe('Pia');
  });

  it('leaves a sheet without a string name alone', () => {
    const sheet = { title: 'no name field', name: { first: 'P' } };
    expect(reconcileName('Pia', 'Pia', sheet)).toEqual({ name: 'Pia', sheet });
    expect(mirrorName({ hp: 1 }, 'Pia')).toEqual({ hp: 1 });
  });
});
