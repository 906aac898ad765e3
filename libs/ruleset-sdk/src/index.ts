export type { JsonObject, JsonPrimitive, JsonValue } from './json.js';
export type {
  DefinedRuleset,
  DiceAction,
  FieldError,
  ImportedCharacter,
  LadderRung,
  OutcomeLadder,
  OutcomeResult,
  OutcomeTone,
  Refusal,
  ResolvedOutcome,
  ResolveOptions,
  ResourceState,
  RollOptions,
  RollOutcome,
  RulesetDefinition,
  Sheet,
  SheetImporter,
  SheetMigration,
  Stat,
  StatBlock,
} from './ruleset.js';
export { defineRuleset, isRefusal, OUTCOME_TONES, refusal } from './ruleset.js';
export type {
  FeatureAction,
  FeatureCharacter,
  FeatureContext,
  FeatureDefinition,
  FeatureError,
  FeatureErrorCode,
  FeatureGroupEvent,
  FeatureResult,
} from './feature.js';
export { createRandom, defineFeature, refuse } from './feature.js';
export type { MountedUi, PanelUiModule, PanelUiProps, RollResultForUi, SheetUiModule, SheetUiProps } from './ui.js';
export type { InvalidSheetFixture, MigrationFixture, PluginManifest } from './manifest.js';
export { HOST_API_VERSION } from './manifest.js';
