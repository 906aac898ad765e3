import {
  isRefusal,
  OUTCOME_TONES,
  type JsonPrimitive,
  type LadderRung,
  type OutcomeLadder,
  type OutcomeResult,
  type ResolvedOutcome,
  type ResourceState,
} from '@cm/ruleset-sdk';
import { DomainError } from '../common/domain-error.js';

/** Ruleset methods whose result may be a Refusal (the SDK's `refusal(...)`) instead of their normal value. */
const REFUSABLE = /^(resolveRoll|getStatBlocks|getDiceActions|getResources|importers\.\d+\.import)$/;
const REFUSAL_CODE = /^[a-z][a-z0-9_]{0,39}$/;
const MAX_LABEL = 200;
const MAX_DETAIL = 300;
const MAX_RUNGS = 20;
const MAX_DETAILS = 50;
const MAX_TRACK_BOXES = 100;

type Fail = (why: string) => DomainError;

/** The `plugin_failed` (bad_result) error for a result of the wrong shape. */
export function badResult(pluginId: string, method: string, why: string): DomainError {
  return new DomainError('plugin_failed', `Plugin "${pluginId}" failed: bad_result: ${method} ${why}`, {
    pluginId,
    failure: 'bad_result',
  });
}

/**
 * The 422 `ruleset_refused` problem for a refusal a ruleset returned from `method`, or undefined when the value is
 * not a refusal (or the method may not refuse). A malformed refusal is the plugin's fault (bad_result).
 */
export function refusalFrom(pluginId: string, method: string, value: unknown): DomainError | undefined {
  if (!REFUSABLE.test(method) || !isRefusal(value)) return undefined;
  const { code, message, path } = value.refusal;
  const fail: Fail = (why) => badResult(pluginId, method, `returned a refusal whose ${why}`);
  if (!REFUSAL_CODE.test(code)) throw fail('code is not [a-z][a-z0-9_]{0,39}');
  if (message.trim() === '') throw fail('message is empty');
  if (path !== undefined && (typeof path !== 'string' || path.length > 200)) throw fail('path is not a short string');
  const detail = message.slice(0, MAX_DETAIL);
  return new DomainError('ruleset_refused', detail, {
    rulesetCode: code,
    pluginId,
    ...(path === undefined ? {} : { errors: [{ path, message: detail }] }),
  });
}

/** Checks what `resolveRoll` returned and normalises it for clients (`value` for `total`, the `tone`). */
export function readOutcome(pluginId: string, raw: unknown): ResolvedOutcome {
  const fail: Fail = (why) => badResult(pluginId, 'resolveRoll', `must return a roll outcome: ${why}`);
  if (!isRecord(raw)) throw fail('not an object');
  const result = raw.result as OutcomeResult;
  if (typeof result !== 'string' || !Object.hasOwn(OUTCOME_TONES, result)) {
    throw fail(`result must be one of ${Object.keys(OUTCOME_TONES).join(', ')}`);
  }
  if (typeof raw.label !== 'string' || raw.label.trim() === '') throw fail('label must be a non-empty string');
  const value = raw.value ?? raw.total;
  if (value !== undefined && !isFiniteNumber(value)) throw fail('value must be a finite number');
  if (raw.detail !== undefined && typeof raw.detail !== 'string') throw fail('detail must be a string');
  const outcome: ResolvedOutcome = { result, tone: OUTCOME_TONES[result], label: raw.label.slice(0, MAX_LABEL) };
  if (value !== undefined) outcome.value = value;
  if (typeof raw.detail === 'string' && raw.detail !== '') outcome.detail = raw.detail.slice(0, MAX_DETAIL);
  if (raw.ladder !== undefined) outcome.ladder = readLadder(raw.ladder, fail);
  if (raw.details !== undefined) outcome.details = readDetails(raw.details, fail);
  return outcome;
}

function readLadder(raw: unknown, fail: Fail): OutcomeLadder {
  const rung = (value: unknown, where: string): LadderRung => {
    if (!isRecord(value) || !Number.isInteger(value.rung) || typeof value.name !== 'string' || value.name === '') {
      throw fail(`${where} must be { rung: integer, name: non-empty string }`);
    }
    return { rung: value.rung as number, name: value.name.slice(0, 100) };
  };
  const reached: OutcomeLadder = rung(raw, 'ladder');
  const rungs = (raw as { rungs?: unknown }).rungs;
  if (rungs === undefined) return reached;
  if (!Array.isArray(rungs) || rungs.length === 0 || rungs.length > MAX_RUNGS) {
    throw fail(`ladder.rungs must be a list of 1 to ${MAX_RUNGS} rungs`);
  }
  return { ...reached, rungs: rungs.map((entry, index) => rung(entry, `ladder.rungs.${index}`)) };
}

function readDetails(raw: unknown, fail: Fail): Record<string, JsonPrimitive> {
  if (!isRecord(raw)) throw fail('details must be an object');
  const entries = Object.entries(raw);
  if (entries.length > MAX_DETAILS) throw fail(`details may have at most ${MAX_DETAILS} entries`);
  for (const [key, value] of entries) {
    const primitive = value === null || ['string', 'boolean'].includes(typeof value) || isFiniteNumber(value);
    if (!primitive) throw fail(`details.${key.slice(0, 40)} must be a string, number, boolean or null`);
  }
  return raw as Record<string, JsonPrimitive>;
}

/**
 * An outcome as stored with a roll (host API 1.0 rows have `total` and no `tone`), normalised for clients the same
 * way; null when nothing usable is stored.
 */
export function storedOutcome(raw: unknown): ResolvedOutcome | null {
  if (raw === null || raw === undefined) return null;
  try {
    return readOutcome('stored', raw);
  } catch {
    return null;
  }
}

/** Checks what `getResources` returned: numbers where numbers belong, `max` a number or null, tracks with boxes. */
export function readResources(pluginId: string, raw: unknown): ResourceState[] {
  const fail: Fail = (why) => badResult(pluginId, 'getResources', `must return a list of resources: ${why}`);
  if (!Array.isArray(raw)) throw fail('not a list');
  return raw.map((entry: unknown, index): ResourceState => {
    const at = `resources.${index}`;
    if (!isRecord(entry) || typeof entry.id !== 'string' || entry.id === '') throw fail(`${at}.id must be a string`);
    const { id, label, path, value, min, max, display } = entry;
    if (!Array.isArray(path) || path.length === 0 || !path.every((key) => typeof key === 'string')) {
      throw fail(`${at}.path must be a non-empty list of keys`);
    }
    if (!isFiniteNumber(value) || !isFiniteNumber(min)) throw fail(`${at}.value and min must be numbers`);
    if (max !== null && !isFiniteNumber(max)) throw fail(`${at}.max must be a number or null`);
    if (max !== null && max < min) throw fail(`${at}.max must not be below min`);
    if (display !== undefined && display !== 'bar' && display !== 'track' && display !== 'counter') {
      throw fail(`${at}.display must be bar, track or counter`);
    }
    if (
      display === 'track' &&
      (min !== 0 || !Number.isInteger(max) || (max as number) < 1 || (max as number) > MAX_TRACK_BOXES)
    ) {
      throw fail(`${at} is a track: min must be 0 and max 1 to ${MAX_TRACK_BOXES} boxes`);
    }
    const resource: ResourceState = {
      id,
      label: typeof label === 'string' ? label : id,
      path: path,
      value,
      min,
      max,
    };
    return display === undefined ? resource : { ...resource, display };
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}
