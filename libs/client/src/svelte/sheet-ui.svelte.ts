// What a ruleset's sheet UI is mounted with, and how it is kept in step with the character: one wiring for
// the web app and the Symbiote.
import { untrack } from 'svelte';
import type { RollOptions, RollResultForUi } from '@cm/contracts';
import type { CharacterState, Sheet } from './character.svelte.js';
import type { MountedPlugin } from './services.js';

/** The SDK's sheet contract in the state classes' terms. */
export interface SheetUiProps {
  sheet: Sheet;
  editable: boolean;
  statBlocks: CharacterState['statBlocks'];
  diceActions: CharacterState['diceActions'];
  errors: CharacterState['errors'];
  onChange: (sheet: Sheet) => void;
  /** Resolves with the roll's result; rejects once the client showed why it failed. */
  onRoll: (actionId: string, options?: RollOptions) => Promise<RollResultForUi>;
}

/** The props a sheet UI (re-)mounts with: the latest sheet, unsaved edits included. */
export function sheetUiProps(character: CharacterState, onRoll: SheetUiProps['onRoll']): SheetUiProps {
  return {
    sheet: character.sheet ?? {},
    editable: character.editable,
    statBlocks: character.statBlocks,
    diceActions: character.diceActions,
    errors: character.errors,
    onChange: (sheet) => character.edit({ sheet }),
    onRoll,
  };
}

/**
 * Pushes the character's derived values into the mounted UI on every change, and the sheet itself only when it
 * changed from outside (a DM's damage, a rollback, a restore): the UI's own edits are already on screen, and
 * pushing them back would disturb typing. Call while a component
 * initialises, with getters (props may change).
 */
export function syncSheetUi(characterOf: () => CharacterState, ui: () => MountedPlugin<SheetUiProps> | null): void {
  $effect(() => {
    const character = characterOf();
    const derived = {
      errors: character.errors,
      statBlocks: character.statBlocks,
      diceActions: character.diceActions,
      editable: character.editable,
    };
    untrack(() => ui()?.update(derived));
  });
  $effect(() => {
    const character = characterOf();
    void character.externalRevision;
    const sheet = untrack(() => character.sheet);
    if (sheet) untrack(() => ui()?.update({ sheet }));
  });
}
