/** Key prefixes the host writes under; every key is server-generated and starts with one of them. */
export const STORAGE_KEY_PREFIXES = ['portraits/'] as const;

/** Path segments of letters, digits, `_` and `-` (each starting with a letter or digit), an optional extension. */
const KEY_PATTERN = /^(?:[A-Za-z0-9][A-Za-z0-9_-]*\/)+[A-Za-z0-9][A-Za-z0-9_-]*(?:\.[A-Za-z0-9]{1,8})?$/;
const MAX_KEY_LENGTH = 512;

/** True for a key the host could have generated: no `..`, no leading `/`, inside a known prefix. */
export function isValidStorageKey(key: string): boolean {
  return (
    key.length <= MAX_KEY_LENGTH &&
    KEY_PATTERN.test(key) &&
    STORAGE_KEY_PREFIXES.some((prefix) => key.startsWith(prefix))
  );
}
