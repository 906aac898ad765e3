/**
 * The part of TaleSpire's injected API (v0.1) the Symbiote uses, as the reference documents it: every call
 * returns a Promise, failures are objects with a `cause` string, events arrive as `{ kind, payload }` at the
 * global handlers the manifest names.
 */

export interface RollDescriptor {
  name: string;
  roll: string;
}

/** A node of a roll's result tree. */
export type RollNode =
  { operator: '+' | '-'; operands: RollNode[] } | { kind: string; results: number[] } | { value: number };

export interface RollResultsGroup {
  name: string;
  result: RollNode;
}

export interface PlayerFragment {
  id: string;
  name: string;
}

export interface ClientFragment {
  id: string;
  player: PlayerFragment;
}

export interface RollResults {
  rollId: string;
  clientId: string;
  resultsGroups: RollResultsGroup[];
  gmOnly: boolean;
  quiet: boolean;
}

export type RollEvent =
  { kind: 'rollResults'; payload: RollResults } | { kind: 'rollRemoved'; payload: { rollId: string } };
export type StateEvent = { kind: 'hasInitialized' | 'willShutdown' | 'willEnterBackground' | 'hasEnteredForeground' };
export type ClientEvent =
  | { kind: 'clientJoinedBoard' | 'clientLeftBoard'; payload: { client: ClientFragment } }
  | { kind: 'clientModeChanged'; payload: { client: ClientFragment; clientMode: string } };
export type SyncMessageEvent = {
  kind: 'syncMessageReceived';
  payload: { str: string; fromClient: ClientFragment };
};

export interface BlobStorage {
  getBlob(): Promise<string | null | undefined>;
  setBlob(value: string): Promise<void>;
  deleteBlob(): Promise<void>;
}

/** `window.TS` (the parts used here). */
export interface TaleSpireApi {
  dice: {
    isValidRollString(text: string): Promise<boolean>;
    putDiceInTray(descriptors: RollDescriptor[], quietResults?: boolean): Promise<string>;
  };
  localStorage: { global: BlobStorage; campaign: BlobStorage };
  campaigns: { whereAmI(): Promise<{ id: string; name: string }> };
  clients: { whoAmI(): Promise<ClientFragment> };
  sync: { send(message: string, target: string): Promise<void> };
  debug?: { log(message: string): Promise<void> };
}

/** The global handler names `manifest.json` subscribes (the entry module assigns them to `window`). */
export const HANDLER_NAMES = {
  stateChange: 'tsOnStateChange',
  rollResults: 'tsOnRollResults',
  clientEvent: 'tsOnClientEvent',
  syncMessage: 'tsOnSyncMessage',
} as const;
