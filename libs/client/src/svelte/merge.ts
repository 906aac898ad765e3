/** JSON as sheets hold it. */
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * Three-way merge of JSON documents: applies what changed from `base` to `theirs` onto `mine`, keeping my
 * changes where both sides changed the same value. Objects merge key by key; arrays and scalars are replaced
 * whole. Used when a sheet changes on the server (a DM's damage) while the owner has unsaved edits.
 */
export function mergeJson(base: Json, mine: Json, theirs: Json): Json {
  if (equal(mine, base)) return theirs;
  if (equal(theirs, base) || equal(theirs, mine)) return mine;
  if (!isObject(base) || !isObject(mine) || !isObject(theirs)) return mine;
  const merged: { [key: string]: Json } = {};
  for (const key of new Set([...Object.keys(mine), ...Object.keys(theirs)])) {
    const inBase = Object.hasOwn(base, key);
    const inMine = Object.hasOwn(mine, key);
    const inTheirs = Object.hasOwn(theirs, key);
    if (inMine && inTheirs) merged[key] = mergeJson(inBase ? base[key] : null, mine[key], theirs[key]);
    else if (inMine && (!inBase || !equal(base[key], mine[key]) || inTheirs)) merged[key] = mine[key];
    else if (inTheirs && (!inBase || !equal(base[key], theirs[key]))) merged[key] = theirs[key];
  }
  return merged;
}

function isObject(value: Json): value is { [key: string]: Json } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Structural equality of JSON values. */
export function equal(a: Json, b: Json): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, i) => equal(item, b[i]));
  const ak = Object.keys(a);
  const bk = Object.keys(b);
  return (
    ak.length === bk.length &&
    ak.every(
      (key) => Object.hasOwn(b, key) && equal((a as Record<string, Json>)[key], (b as Record<string, Json>)[key]),
    )
  );
}
