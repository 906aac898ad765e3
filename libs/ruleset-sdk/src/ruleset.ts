import type { JsonObject, JsonPrimitive } from './json.js';

/** A character sheet: opaque JSON owned by its ruleset; the host never reads inside it. */
export type Sheet = JsonObject;

/** One validation failure: a dotted path into the sheet (`attributes.mu`, `talents.0.fw`) and a message. */
export interface FieldError {
  path: string;
  message: string;
}

/** One derived or displayed value on a stat block. */
export interface Stat {
  id: string;
  label: string;
  value: number | string;
  /** Short explanation, e.g. the formula: `5 + 2×KO`. */
  hint?: string;
}

/** A titled group of derived values, computed from the sheet and never stored. */
export interface StatBlock {
  id: string;
  label: string;
  stats: Stat[];
}

/** A roll a sheet offers, with a TaleSpire roll string (`1d20+5`, `3d20`, `2d6`). */
export interface DiceAction {
  id: string;
  label: string;
  /** TaleSpire roll-string grammar: `[name:]NdS±M` terms, groups separated by `/`. */
  diceString: string;
  /** Grouping for menus, e.g. `attribute`, `talent`, `combat`. The category `initiative` is used by initiative trackers. */
  category: string;
  description?: string;
}

/** What the player set for one roll: a modifier and/or a difficulty or target number; both optional integers. */
export interface RollOptions {
  /** Added or applied as the ruleset says (DSA5: + easier, − harder on each attribute); −100..100. */
  modifier?: number;
  /** A difficulty, target number or opposition the roll is made against (DC 15, TN 7, FATE opposition +2); −1000..1000. */
  target?: number;
}

/** The options `resolveRoll` receives (the same as RollOptions; kept under its host API 1.0 name). */
export type ResolveOptions = RollOptions;

/**
 * What a roll achieved. `partial` = success at a cost (PbtA 7–9), `tie` = equal to the opposition, `neutral` = no
 * success or failure at all (damage, initiative, a ladder value without opposition).
 */
export type OutcomeResult = 'critical' | 'success' | 'partial' | 'tie' | 'neutral' | 'failure' | 'botch';

/** One rung of an ordered scale of named results; a higher `rung` is better, negative rungs are allowed. */
export interface LadderRung {
  rung: number;
  name: string;
}

/**
 * A ladder-style outcome: the rung reached on the ruleset's scale (FATE's `+3 Good`, Call of Cthulhu's `Hard success`,
 * PbtA's `7–9`), with the whole scale (lowest first, at most 20 rungs) when a client should draw it.
 */
export interface OutcomeLadder extends LadderRung {
  rungs?: LadderRung[];
}

/** The outcome of a roll in the ruleset's own terms, as `resolveRoll` returns it. */
export interface RollOutcome {
  /** What the roll achieved; clients colour it by the `tone` the host derives from it. */
  result: OutcomeResult;
  /** Short human label, e.g. `Erfolg, QS 2 (success, QL 2)`; at most 200 characters. */
  label: string;
  /** The number clients show as the roll's result (DSA5 remaining points, successes in a pool); omit when none fits. */
  value?: number;
  /** @deprecated Host API 1.0 name of `value`; still read when `value` is absent. */
  total?: number;
  /** One short secondary line, e.g. `QS 2 · 5 FP left` or `Good (+3) vs Fair (+2)`; at most 300 characters. */
  detail?: string;
  /** The rung reached, for ladder-style rulesets. */
  ladder?: OutcomeLadder;
  /** Ruleset-specific details, e.g. `{ qualityLevel: 2, remainingPoints: 5 }`; at most 50 entries. */
  details?: Record<string, JsonPrimitive>;
}

/** How clients colour an outcome: `mixed` for partial successes, `neutral` for ties and unrated rolls. */
export type OutcomeTone = 'critical' | 'success' | 'mixed' | 'neutral' | 'failure' | 'botch';

/** An outcome as clients receive it: checked by the host, `value` instead of `total`, and its `tone`. */
export interface ResolvedOutcome extends Omit<RollOutcome, 'total'> {
  tone: OutcomeTone;
}

/** The tone clients use for each result. */
export const OUTCOME_TONES: Readonly<Record<OutcomeResult, OutcomeTone>> = {
  critical: 'critical',
  success: 'success',
  partial: 'mixed',
  tie: 'neutral',
  neutral: 'neutral',
  failure: 'failure',
  botch: 'botch',
};

/**
 * A resource the host may change by atomic deltas (HP, LeP, a stress track, XP), with its current bounds. The value
 * is a number stored at `path`; a delta is added and the result clamped to `[min, max]` (only to `min` without a max).
 */
export interface ResourceState {
  id: string;
  label: string;
  /** Where the current value lives in the sheet, e.g. `['hp', 'current']`; it must hold a number. */
  path: string[];
  value: number;
  min: number;
  /** The upper bound, or `null` when the resource has no natural maximum (XP, coins, accumulating points). */
  max: number | null;
  /**
   * How clients draw it: `bar` value of max (HP); `track` a row of `max` boxes of which `value` are marked (stress,
   * wound boxes; needs `min: 0` and a max of at most 100); `counter` a plain number. Default: `bar` with a max,
   * `counter` without.
   */
  display?: 'bar' | 'track' | 'counter';
}

/**
 * A ruleset's refusal of one request, returned (never thrown) from `resolveRoll`, `getStatBlocks`, `getDiceActions`,
 * `getResources` or an importer's `import`. The host answers `422` with the problem code `ruleset_refused`, your
 * `code` as `rulesetCode` and your `message` as `detail`; a throw instead is a plugin failure (502).
 */
export interface Refusal {
  refusal: {
    /** Your stable code, `[a-z][a-z0-9_]{0,39}`, e.g. `needs_target`. */
    code: string;
    /** Shown to the player; at most 300 characters are kept. */
    message: string;
    /** The request field it concerns, e.g. `target` (reported as a field error). */
    path?: string;
  };
}

/** Builds a refusal, e.g. `return refusal('needs_target', 'An opposed roll needs a target number', 'target')`. */
export function refusal(code: string, message: string, path?: string): Refusal {
  return { refusal: path === undefined ? { code, message } : { code, message, path } };
}

/** Whether a value returned by ruleset code is a refusal. */
export function isRefusal(value: unknown): value is Refusal {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const inner = (value as { refusal?: unknown }).refusal;
  return (
    typeof inner === 'object' &&
    inner !== null &&
    typeof (inner as { code?: unknown }).code === 'string' &&
    typeof (inner as { message?: unknown }).message === 'string'
  );
}

/** One step between ruleset versions: a pure function from the old sheet to the new one. */
export interface SheetMigration {
  /** The version (semver) of sheets this step accepts. */
  from: string;
  /** The version (semver) of the sheets it produces. */
  to: string;
  migrate(sheet: Sheet): Sheet;
}

/** The result of importing a foreign format. */
export interface ImportedCharacter {
  name: string;
  sheet: Sheet;
  /** Things the importer skipped or approximated, shown to the user (one line each). */
  warnings?: string[];
}

/** Imports characters from another tool's format (e.g. an Optolith hero export). */
export interface SheetImporter {
  id: string;
  label: string;
  /** Whether this importer recognises the parsed file. */
  accepts(data: unknown): boolean;
  import(data: unknown): ImportedCharacter | Refusal;
}

/** The server-side half of a ruleset plugin: pure functions of JSON, run by the host in its sandbox. */
export interface RulesetDefinition<S extends Sheet = Sheet> {
  /** A new, valid sheet. */
  defaultSheet(): S;
  /** Every problem with a sheet; an empty list means valid. Runs after the manifest's JSON Schema. */
  validate(sheet: S): FieldError[];
  /** Derived values for display. */
  getStatBlocks(sheet: S): StatBlock[] | Refusal;
  /** The rolls this sheet offers. */
  getDiceActions(sheet: S): DiceAction[] | Refusal;
  /**
   * Interprets the faces rolled for one of this sheet's dice actions. The host calls it only with an `actionId` that
   * `getDiceActions` returned for this sheet and with faces that fit its dice string: one face per die, in the order
   * of the dice string (all groups, dropped dice included), each within 1..sides. Faces never include the string's
   * constants (`+5`): add them yourself when your ruleset sums.
   */
  resolveRoll(sheet: S, actionId: string, faces: number[], options?: RollOptions): RollOutcome | Refusal;
  /** The resources that accept atomic deltas, with their bounds for this sheet. */
  getResources(sheet: S): ResourceState[] | Refusal;
  /** The character's display name as written in the sheet, if the sheet has one. */
  getName?(sheet: S): string | undefined;
  /** Ordered steps from older sheet versions to the current plugin version. */
  migrations?: SheetMigration[];
  /** Importers from other formats. */
  importers?: SheetImporter[];
}

/** The return type of `F` when it is a function, else `Fallback`. */
type ReturnOf<F, Fallback> = F extends (...args: never[]) => infer R ? R : Fallback;

/**
 * What `defineRuleset` returns: your definition, with the refusable methods typed by what your functions actually
 * return, so tests can call `ruleset.getDiceActions(sheet).map(...)` when you never return a Refusal.
 */
export type DefinedRuleset<S extends Sheet, D> = Omit<
  RulesetDefinition<S>,
  'getStatBlocks' | 'getDiceActions' | 'resolveRoll' | 'getResources'
> & {
  getStatBlocks(sheet: S): ReturnOf<D[keyof D & 'getStatBlocks'], StatBlock[] | Refusal>;
  getDiceActions(sheet: S): ReturnOf<D[keyof D & 'getDiceActions'], DiceAction[] | Refusal>;
  resolveRoll(
    sheet: S,
    actionId: string,
    faces: number[],
    options?: RollOptions,
  ): ReturnOf<D[keyof D & 'resolveRoll'], RollOutcome | Refusal>;
  getResources(sheet: S): ReturnOf<D[keyof D & 'getResources'], ResourceState[] | Refusal>;
};

/** Declares a ruleset's server module (the default export of the manifest's `entry.server`). */
export function defineRuleset<S extends Sheet, D extends RulesetDefinition<S> = RulesetDefinition<S>>(
  definition: D & RulesetDefinition<S>,
): DefinedRuleset<S, D> {
  return definition as DefinedRuleset<S, D>;
}
