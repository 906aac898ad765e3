import type { Sheet } from '@cm/ruleset-sdk';

const MAX_NAME = 100;

/**
 * The character's `name` is the truth; a sheet with a top-level string `name` (most rulesets show it) mirrors
 * it. A write that changes `name` renames; a write that leaves `name` as it was but changes `sheet.name` (an
 * edit in the sheet's own form) renames to that. Either way both end up equal.
 */
export function reconcileName(
  currentName: string | undefined,
  requestedName: string,
  sheet: Sheet,
): { name: string; sheet: Sheet } {
  const sheetName = typeof sheet.name === 'string' ? sheet.name.trim() : undefined;
  const renamedInSheet =
    currentName !== undefined &&
    requestedName === currentName &&
    sheetName !== undefined &&
    sheetName !== currentName &&
    sheetName.length > 0 &&
    sheetName.length <= MAX_NAME;
  const name = renamedInSheet ? sheetName : requestedName;
  return { name, sheet: mirrorName(sheet, name) };
}

/** The sheet with its top-level string `name` set to the character's name (a sheet without one is unchanged). */
export function mirrorName(sheet: Sheet, name: string): Sheet {
  if (typeof sheet.name !== 'string' || sheet.name === name) return sheet;
  return { ...sheet, name };
}
