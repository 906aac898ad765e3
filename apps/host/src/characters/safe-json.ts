import { DomainError } from '../common/domain-error.js';

/** How deep a sheet may nest: far beyond any real sheet, far below a stack overflow. */
export const MAX_SHEET_DEPTH = 32;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Rejects JSON the host will not store or hand to a plugin: nesting deeper than 32 levels or prototype
 * keys (`__proto__`, `constructor`, `prototype`) anywhere. Iterative, so hostile input cannot overflow the stack.
 */
export function assertSafeJson(value: unknown, root: string): void {
  const stack: Array<{ value: unknown; path: string; depth: number }> = [{ value, path: root, depth: 0 }];
  while (stack.length > 0) {
    const item = stack.pop()!;
    if (typeof item.value !== 'object' || item.value === null) continue;
    if (item.depth > MAX_SHEET_DEPTH) throw unsafe(item.path, `is nested deeper than ${MAX_SHEET_DEPTH} levels`);
    for (const [key, child] of Object.entries(item.value)) {
      const path = `${item.path}.${key}`;
      if (!Array.isArray(item.value) && FORBIDDEN_KEYS.has(key)) throw unsafe(path, `the key "${key}" is not allowed`);
      stack.push({ value: child, path, depth: item.depth + 1 });
    }
  }
}

function unsafe(path: string, message: string): DomainError {
  return new DomainError('validation_failed', 'The document is not acceptable', { errors: [{ path, message }] });
}
