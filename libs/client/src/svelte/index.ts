/**
 * `@cm/client/svelte`: the Svelte 5 state classes both clients share (runes in `*.svelte.ts`), handed down
 * through typed context (`provideApp` / `useApp`) rather than module singletons.
 */
export { AppState, provideApp, useApp } from './context.js';
export { ConnectionState } from './connection.svelte.js';
export { CatalogState, type PluginStatus, type Ruleset } from './catalog.svelte.js';
export {
  CharacterState,
  type Character,
  type DiceAction,
  type Draft,
  type SaveState,
  type Sheet,
  type StatBlock,
} from './character.svelte.js';
export {
  CharactersState,
  PORTRAIT_MAX_BYTES,
  PORTRAIT_TYPES,
  type CharacterFile,
  type CharacterSummary,
  type CharacterVersion,
} from './characters.svelte.js';
export {
  GroupViewState,
  type GroupCharacter,
  type GroupDetail,
  type GroupViewStatus,
  type Member,
  type Roll,
  type RollRequest,
} from './group-view.svelte.js';
export { GroupsState, type Group, type InvitePreview } from './groups.svelte.js';
export { equal, mergeJson } from './merge.js';
export {
  ApiError,
  call,
  fieldErrors,
  type Api,
  type ClientServices,
  type ConnectionStatus,
  type DraftStore,
  type MountedPlugin,
  type MountOptions,
  type PluginReload,
  type PluginUiPort,
  type RealtimePort,
  type Schemas,
  type SessionPort,
  type SessionStatus,
  type User,
  type WatchOptions,
} from './services.js';
export { SessionState } from './session.svelte.js';
export { sheetUiProps, syncSheetUi, type SheetUiProps } from './sheet-ui.svelte.js';
export { ToastState, type Toast } from './toasts.svelte.js';
