import type { FeatureErrorCode, JsonValue } from '@cm/ruleset-sdk';
import { DomainError, type DomainErrorCode } from '../common/domain-error.js';

/** Limits on what a feature plugin may store per call and per group. */
export const FEATURE_LIMITS = {
  /** Longest state key. */
  maxKeyLength: 100,
  /** Most keys one plugin may hold in one group. */
  maxKeys: 100,
  /** Largest stored value, in characters of JSON. */
  maxValueChars: 256 * 1024,
  /** Largest action input, in characters of JSON. */
  maxInputChars: 16 * 1024,
  /** Longest refusal message kept from a plugin. */
  maxMessageChars: 300,
} as const;

/** A checked handler result: state changes (null deletes) and the reply, or a refusal. */
export interface CheckedFeatureResult {
  changes: Map<string, JsonValue | null>;
  reply: JsonValue;
  error?: { code: FeatureErrorCode; message: string };
}

const ERROR_STATUS: Record<FeatureErrorCode, DomainErrorCode> = {
  forbidden: 'forbidden',
  invalid_input: 'bad_request',
  not_found: 'not_found',
  conflict: 'conflict',
};

const KEY = /^[A-Za-z0-9][A-Za-z0-9_.:-]*$/;

/**
 * Checks a FeatureResult returned by plugin code (untrusted JSON): `{ state?, reply?, error? }` with bounded
 * keys and values. A wrong shape is the plugin's failure (`plugin_failed`, HTTP 502).
 */
export function checkFeatureResult(pluginId: string, method: string, value: unknown): CheckedFeatureResult {
  const fail = (why: string): DomainError =>
    new DomainError('plugin_failed', `Plugin "${pluginId}" failed: bad_result: ${method} ${why}`, {
      pluginId,
      failure: 'bad_result',
    });
  if (value === undefined || value === null) return { changes: new Map(), reply: null };
  if (!isRecord(value)) throw fail('must return an object { state?, reply?, error? }');
  const extra = Object.keys(value).find((key) => !['state', 'reply', 'error'].includes(key));
  if (extra !== undefined) throw fail(`returned an unknown field "${extra.slice(0, 40)}"`);
  const reply = (value.reply ?? null) as JsonValue;
  if (value.error !== undefined) {
    const error = value.error;
    if (
      !isRecord(error) ||
      typeof error.code !== 'string' ||
      !Object.hasOwn(ERROR_STATUS, error.code) ||
      typeof error.message !== 'string'
    ) {
      throw fail(`returned an error that is not { code: ${Object.keys(ERROR_STATUS).join('|')}, message }`);
    }
    return {
      changes: new Map(),
      reply,
      error: { code: error.code as FeatureErrorCode, message: error.message.slice(0, FEATURE_LIMITS.maxMessageChars) },
    };
  }
  const changes = new Map<string, JsonValue | null>();
  if (value.state !== undefined) {
    if (!isRecord(value.state)) throw fail('returned a state that is not an object of key → JSON value');
    for (const [key, entry] of Object.entries(value.state)) {
      if (key.length > FEATURE_LIMITS.maxKeyLength || !KEY.test(key))
        throw fail(`returned an invalid state key "${key.slice(0, 40)}"`);
      if (entry !== null && JSON.stringify(entry).length > FEATURE_LIMITS.maxValueChars) {
        throw fail(`returned a value for "${key}" larger than ${FEATURE_LIMITS.maxValueChars} characters of JSON`);
      }
      changes.set(key, entry as JsonValue | null);
    }
  }
  return { changes, reply };
}

/** The HTTP problem for a refused action. */
export function refusal(error: { code: FeatureErrorCode; message: string }): DomainError {
  return new DomainError(ERROR_STATUS[error.code], error.message || 'The plugin refused the action');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
