import type {
  DiceAction,
  FieldError,
  ImportedCharacter,
  ResolvedOutcome,
  ResourceState,
  RollOptions,
  Sheet,
  StatBlock,
} from '@cm/ruleset-sdk';

/** What the host knows about an installed, loaded ruleset. */
export interface RulesetInfo {
  id: string;
  name: string;
  version: string;
  description?: string;
}

/** A `.cmchar` file after parsing and validation. */
export interface ParsedCharacterFile {
  rulesetId: string;
  rulesetVersion: string;
  name: string;
  sheet: Sheet;
  warnings: string[];
}

/**
 * The plugin host's ruleset services for other modules (characters, dice, groups). Every method that runs
 * plugin code does so in the sandbox. Unknown rulesets throw DomainError('not_found'); invalid input throws
 * DomainError('validation_failed') with field errors; a failing plugin throws DomainError('plugin_failed').
 */
export abstract class RulesetCatalog {
  /** The loaded ruleset, or undefined when none is installed under that id. */
  abstract find(rulesetId: string): RulesetInfo | undefined;
  abstract list(): RulesetInfo[];
  abstract defaultSheet(rulesetId: string): Promise<Sheet>;
  /** JSON Schema first, then the plugin's own validate; [] when valid. */
  abstract validate(rulesetId: string, sheet: unknown): Promise<FieldError[]>;
  abstract statBlocks(rulesetId: string, sheet: Sheet): Promise<StatBlock[]>;
  abstract diceActions(rulesetId: string, sheet: Sheet): Promise<DiceAction[]>;
  /**
   * Resolves faces rolled for one of a valid sheet's dice actions: an unknown `actionId` or faces that do not fit its
   * dice string (count, range per die) are the caller's error (400); a ruleset's refusal is a 422 `ruleset_refused`.
   */
  abstract resolveRoll(
    rulesetId: string,
    sheet: Sheet,
    actionId: string,
    faces: number[],
    options?: RollOptions,
  ): Promise<ResolvedOutcome>;
  /** Like resolveRoll for an action already read from `diceActions(rulesetId, sheet)` (the sheet is not revalidated). */
  abstract resolveAction(
    rulesetId: string,
    sheet: Sheet,
    action: DiceAction,
    faces: number[],
    options?: RollOptions,
  ): Promise<ResolvedOutcome>;
  /** The sheet's resources as the ruleset declares them (checked: `max` a number or null, tracks with boxes). */
  abstract resources(rulesetId: string, sheet: Sheet): Promise<ResourceState[]>;
  /** Migrates a sheet written with `fromVersion` to the installed version (identity when equal). */
  abstract migrate(rulesetId: string, sheet: Sheet, fromVersion: string): Promise<Sheet>;
  /** Parses and validates a `.cmchar` document ({ cm_version, ruleset_id, name, sheet_data, ruleset_version? }). */
  abstract parseCharacterFile(document: unknown): Promise<ParsedCharacterFile>;
  /** Runs the first importer of `rulesetId` (or of any ruleset when omitted) that accepts the data. */
  abstract importForeign(
    data: unknown,
    rulesetId?: string,
  ): Promise<ImportedCharacter & { rulesetId: string; rulesetVersion: string }>;
}
