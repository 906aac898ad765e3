import type { FieldError } from '@cm/ruleset-sdk';

/** Limits for untrusted JSON documents (imports), checked before any plugin sees them. */
export const HOSTILE_LIMITS = { maxDepth: 32, maxKeys: 10_000 } as const;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** The `.cmchar` format versions this host reads. */
export const CMCHAR_VERSIONS = [1];

/**
 * Finds what makes a JSON document unsafe to hand on: nesting deeper than 32, more than 10,000 keys in total,
 * or prototype-polluting keys anywhere. Returns at most one error (the first found), or [] when safe.
 */
export function findHostileInput(document: unknown, root = ''): FieldError[] {
  let keys = 0;
  const stack: Array<{ value: unknown; path: string; depth: number }> = [{ value: document, path: root, depth: 0 }];
  while (stack.length > 0) {
    const { value, path, depth } = stack.pop()!;
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= HOSTILE_LIMITS.maxDepth)
      return [{ path, message: `is nested deeper than ${HOSTILE_LIMITS.maxDepth} levels` }];
    const entries = Array.isArray(value)
      ? value.map((item, index) => [String(index), item] as const)
      : Object.entries(value);
    for (const [key, child] of entries) {
      const childPath = path ? `${path}.${key}` : key;
      if (!Array.isArray(value)) {
        if (FORBIDDEN_KEYS.has(key)) return [{ path: childPath, message: `the key "${key}" is not allowed` }];
        if (++keys > HOSTILE_LIMITS.maxKeys)
          return [{ path: root, message: `has more than ${HOSTILE_LIMITS.maxKeys} keys in total` }];
      }
      stack.push({ value: child, path: childPath, depth: depth + 1 });
    }
  }
  return [];
}

/** The envelope fields of a `.cmchar` document, checked; `errors` lists every problem with them. */
export interface CharacterFileEnvelope {
  rulesetId: string;
  rulesetVersion: string | undefined;
  name: string;
  sheet: Record<string, unknown>;
}

/** Checks the `.cmchar` envelope: `{ cm_version: 1, ruleset_id, ruleset_version?, name, sheet_data }` (other fields are ignored). */
export function readEnvelope(document: unknown): { envelope?: CharacterFileEnvelope; errors: FieldError[] } {
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    return { errors: [{ path: '', message: 'a .cmchar file must be a JSON object' }] };
  }
  const hostile = findHostileInput(document);
  if (hostile.length > 0) return { errors: hostile };
  const doc = document as Record<string, unknown>;
  const errors: FieldError[] = [];
  if (!CMCHAR_VERSIONS.includes(doc.cm_version as number)) {
    errors.push({
      path: 'cm_version',
      message: `unsupported .cmchar version ${JSON.stringify(doc.cm_version ?? null)} (this host reads ${CMCHAR_VERSIONS.join(', ')})`,
    });
  }
  if (typeof doc.ruleset_id !== 'string' || doc.ruleset_id === '')
    errors.push({ path: 'ruleset_id', message: 'must be a ruleset id' });
  if (doc.ruleset_version !== undefined && typeof doc.ruleset_version !== 'string')
    errors.push({ path: 'ruleset_version', message: 'must be a version string' });
  const name = typeof doc.name === 'string' ? doc.name.trim() : undefined;
  if (name === undefined || name.length < 1 || name.length > 100)
    errors.push({ path: 'name', message: 'must be 1 to 100 characters' });
  const sheet = doc.sheet_data;
  if (typeof sheet !== 'object' || sheet === null || Array.isArray(sheet))
    errors.push({ path: 'sheet_data', message: 'must be a JSON object' });
  if (errors.length > 0) return { errors };
  return {
    errors,
    envelope: {
      rulesetId: doc.ruleset_id as string,
      rulesetVersion: doc.ruleset_version as string | undefined,
      name: name!,
      sheet: sheet as Record<string, unknown>,
    },
  };
}
