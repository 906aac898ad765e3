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

/** Options of one resolution, e.g. a DSA5 modifier (+ easier, − harder). */
export interface ResolveOptions {
  modifier?: number;
}

/** The outcome of a roll in the ruleset's own terms. */
export interface RollOutcome {
  /** `neutral` for rolls without success/failure (damage, initiative). */
  result: 'success' | 'failure' | 'critical' | 'botch' | 'neutral';
  /** Short human label, e.g. `Erfolg, QS 2 (success, QL 2)`. */
  label: string;
  /** A number to show as the roll's total, when the ruleset has one. */
  total?: number;
  /** Ruleset-specific details, e.g. `{ qualityLevel: 2, remainingPoints: 5 }`. */
  details?: Record<string, JsonPrimitive>;
}

/** A resource the host may change by atomic deltas (HP, LeP, AsP), with its current bounds. */
export interface ResourceState {
  id: string;
  label: string;
  /** Where the current value lives in the sheet, e.g. `['hp', 'current']`. */
  path: string[];
  value: number;
  min: number;
  max: number;
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
  /** Things the importer skipped or approximated, shown to the user. */
  warnings?: string[];
}

/** Imports characters from another tool's format (e.g. an Optolith hero export). */
export interface SheetImporter {
  id: string;
  label: string;
  /** Whether this importer recognises the parsed file. */
  accepts(data: unknown): boolean;
  import(data: unknown): ImportedCharacter;
}

/** The server-side half of a ruleset plugin: pure functions of JSON, run by the host in its sandbox. */
export interface RulesetDefinition<S extends Sheet = Sheet> {
  /** A new, valid sheet. */
  defaultSheet(): S;
  /** Every problem with a sheet; an empty list means valid. Runs after the manifest's JSON Schema. */
  validate(sheet: S): FieldError[];
  /** Derived values for display. */
  getStatBlocks(sheet: S): StatBlock[];
  /** The rolls this sheet offers. */
  getDiceActions(sheet: S): DiceAction[];
  /** Interprets the faces rolled for one dice action (in the order of its dice string). */
  resolveRoll(sheet: S, actionId: string, faces: number[], options?: ResolveOptions): RollOutcome;
  /** The resources that accept atomic deltas, with their bounds for this sheet. */
  getResources(sheet: S): ResourceState[];
  /** The character's display name as written in the sheet, if the sheet has one. */
  getName?(sheet: S): string | undefined;
  /** Ordered steps from older sheet versions to the current plugin version. */
  migrations?: SheetMigration[];
  /** Importers from other formats. */
  importers?: SheetImporter[];
}

/** Declares a ruleset's server module (the default export of the manifest's `entry.server`). */
export function defineRuleset<S extends Sheet>(definition: RulesetDefinition<S>): RulesetDefinition<S> {
  return definition;
}
