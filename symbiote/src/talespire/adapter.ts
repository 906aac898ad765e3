import {
  HANDLER_NAMES,
  type ClientEvent,
  type ClientFragment,
  type RollDescriptor,
  type RollEvent,
  type RollResults,
  type RollResultsGroup,
  type StateEvent,
  type SyncMessageEvent,
  type TaleSpireApi,
} from './types.js';

/** A refused TaleSpire call: `cause` is TaleSpire's reason (`notInBoard`, `dataTooLarge`, `rollRemoved`…). */
export class TaleSpireError extends Error {
  constructor(readonly reason: string) {
    super(`TaleSpire refused: ${reason}`);
    this.name = 'TaleSpireError';
  }
}

/** A roll put into the tray: its id, and the dice as thrown (rejects when the roll is removed unthrown). */
export interface TrayRoll {
  rollId: string;
  thrown: Promise<RollResults>;
}

/** One transient broadcast from another client on the board (TS.sync). */
export interface SyncMessage {
  from: string;
  data: unknown;
}

/** TaleSpire's sync limit: 500 JavaScript characters per message. */
export const SYNC_LIMIT = 500;
const FALLBACK_PREFIX = 'cm-symbiote:';

type Held = () => void;

/**
 * The one door to TaleSpire. Work starts at `hasInitialized` (`start()`); outside TaleSpire (a plain browser)
 * the adapter falls back to window.localStorage and reports `inGame: false` (the app then rolls on the server).
 * Between this client's `clientLeftBoard` and `clientJoinedBoard`, calls are held and replayed in order.
 */
export class TaleSpire {
  inGame = false;
  /** True between leaving one board and joining the next (calls wait). */
  holding = false;
  #ts: TaleSpireApi | undefined;
  #me: ClientFragment | null = null;
  #held: Held[] = [];
  #global: Record<string, unknown> | null = null;
  #boardChanges = 0;
  #initialized: () => void = () => undefined;
  readonly #initializedPromise = new Promise<void>((resolve) => (this.#initialized = resolve));
  readonly #pending = new Map<string, { resolve: (results: RollResults) => void; reject: (e: Error) => void }>();
  /** Results of my rolls that arrived before putDiceInTray's promise resolved (bounded). */
  readonly #early = new Map<string, RollResults>();
  readonly #listeners = {
    board: new Set<() => void>(),
    sync: new Set<(message: SyncMessage) => void>(),
    hold: new Set<(holding: boolean) => void>(),
  };

  constructor(private readonly win: Window & { TS?: TaleSpireApi } = window) {}

  /** The handlers the manifest names, to assign to `window` in the entry module. */
  get handlers(): Record<string, (event: never) => void> {
    return {
      [HANDLER_NAMES.stateChange]: (event: StateEvent) => this.#onState(event),
      [HANDLER_NAMES.rollResults]: (event: RollEvent) => this.#onRoll(event),
      [HANDLER_NAMES.clientEvent]: (event: ClientEvent) => this.#onClient(event),
      [HANDLER_NAMES.syncMessage]: (event: SyncMessageEvent) => this.#onSync(event),
    };
  }

  /** Resolves at `hasInitialized` (in TaleSpire) or when the page has loaded without a TS object (a browser). */
  async start(): Promise<void> {
    const loaded = new Promise<void>((resolve) => {
      if (this.win.document.readyState === 'complete') resolve();
      else this.win.addEventListener('load', () => resolve(), { once: true });
    });
    await Promise.race([
      this.#initializedPromise,
      loaded.then(() => (this.win.TS ? this.#initializedPromise : undefined)),
    ]);
    this.#ts = this.win.TS;
    if (!this.#ts) return;
    try {
      this.#me = await settle(this.#ts.clients.whoAmI());
      this.inGame = true;
    } catch {
      // hasInitialized after a failed init (initTimeout): treat the API as unavailable.
      this.#ts = undefined;
    }
  }

  onBoardJoined(listener: () => void): () => void {
    return add(this.#listeners.board, listener);
  }

  onSync(listener: (message: SyncMessage) => void): () => void {
    return add(this.#listeners.sync, listener);
  }

  onHold(listener: (holding: boolean) => void): () => void {
    return add(this.#listeners.hold, listener);
  }

  /**
   * The JSON object in the global blob (or window.localStorage outside TaleSpire), read once and then kept in
   * memory: the session's refresh token must stay readable while TaleSpire calls are held.
   */
  async readGlobal(): Promise<Record<string, unknown>> {
    this.#global ??= await this.#readBlob('global');
    return { ...this.#global };
  }

  /**
   * Read-modify-write of the global blob (one unkeyed string per scope). During a board transition the write is
   * queued (replayed in order after the join) and this resolves at once, so a token refresh never waits for it.
   */
  async updateGlobal(patch: Record<string, unknown>): Promise<void> {
    this.#global = { ...(await this.readGlobal()), ...patch };
    const write = this.#writeBlob('global', this.#global);
    if (this.holding) write.catch(() => undefined);
    else await write;
  }

  /** The current campaign's blob; empty outside a campaign. */
  async readCampaign(): Promise<Record<string, unknown>> {
    return this.#readBlob('campaign').catch(() => ({}));
  }

  /**
   * Read-modify-write of the current campaign's blob. Skipped when a board change starts before the write (the
   * next board may be in another campaign, whose blob must not get this one's data) or nothing would change.
   */
  async updateCampaign(patch: Record<string, unknown>): Promise<void> {
    if (this.holding) return;
    const boardChanges = this.#boardChanges;
    const current = await this.readCampaign();
    const next = { ...current, ...patch };
    if (this.holding || boardChanges !== this.#boardChanges || JSON.stringify(next) === JSON.stringify(current)) return;
    await this.#writeBlob('campaign', next);
  }

  /** The current TaleSpire campaign's id, or null (outside TaleSpire or a campaign). */
  async campaignId(): Promise<string | null> {
    if (!this.#ts) return null;
    return this.#call((ts) => ts.campaigns.whereAmI()).then(
      (campaign) => campaign.id,
      () => null,
    );
  }

  /** Checks a typed roll string with TaleSpire's own grammar. */
  async isValidRollString(text: string): Promise<boolean> {
    if (!this.#ts) return false;
    return this.#call((ts) => ts.dice.isValidRollString(text));
  }

  /** Puts dice into the tray; `thrown` resolves with the result tree when this roll id comes back. */
  async putDiceInTray(descriptors: RollDescriptor[], quiet = false): Promise<TrayRoll> {
    const rollId = await this.#call((ts) => ts.dice.putDiceInTray(descriptors, quiet));
    const thrown = new Promise<RollResults>((resolve, reject) => {
      const early = this.#early.get(rollId);
      if (early) {
        this.#early.delete(rollId);
        resolve(early);
      } else this.#pending.set(rollId, { resolve, reject });
    });
    return { rollId, thrown };
  }

  /** A transient broadcast to the board (dropped when it would exceed the 500-character limit). */
  async broadcast(data: unknown): Promise<boolean> {
    const message = JSON.stringify(data);
    if (!this.#ts || message.length > SYNC_LIMIT) return false;
    return this.#call((ts) => ts.sync.send(message, 'board')).then(
      () => true,
      () => false,
    );
  }

  /** Runs a TaleSpire call now, or after the board transition; rejects with a TaleSpireError. */
  #call<T>(run: (ts: TaleSpireApi) => Promise<T>): Promise<T> {
    const ts = this.#ts;
    if (!ts) return Promise.reject(new TaleSpireError('notAvailable'));
    if (!this.holding) return settle(run(ts));
    return new Promise<T>((resolve, reject) => this.#held.push(() => void settle(run(ts)).then(resolve, reject)));
  }

  async #readBlob(scope: 'global' | 'campaign'): Promise<Record<string, unknown>> {
    const text = this.#ts
      ? await this.#call((ts) => ts.localStorage[scope].getBlob())
      : this.win.localStorage.getItem(FALLBACK_PREFIX + scope);
    try {
      const value: unknown = JSON.parse(text || '{}');
      return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
    } catch {
      return {};
    }
  }

  async #writeBlob(scope: 'global' | 'campaign', value: Record<string, unknown>): Promise<void> {
    const text = JSON.stringify(value);
    if (this.#ts) await this.#call((ts) => ts.localStorage[scope].setBlob(text));
    else this.win.localStorage.setItem(FALLBACK_PREFIX + scope, text);
  }

  #onState(event: StateEvent): void {
    if (event.kind === 'hasInitialized') this.#initialized();
  }

  #onRoll(event: RollEvent): void {
    const { rollId } = event.payload;
    const pending = this.#pending.get(rollId);
    if (event.kind === 'rollRemoved') {
      this.#pending.delete(rollId);
      pending?.reject(new TaleSpireError('rollRemoved'));
      return;
    }
    // Everyone's rolls on the board arrive here: only this client's own count.
    if (this.#me && event.payload.clientId !== this.#me.id) return;
    if (pending) {
      this.#pending.delete(rollId);
      pending.resolve(event.payload);
    } else {
      this.#early.set(rollId, event.payload);
      if (this.#early.size > 20) this.#early.delete(this.#early.keys().next().value!);
    }
  }

  #onClient(event: ClientEvent): void {
    if (!this.#me || event.payload.client.id !== this.#me.id) return;
    if (event.kind === 'clientLeftBoard') {
      this.#boardChanges += 1;
      this.#setHolding(true);
    }
    if (event.kind === 'clientJoinedBoard') {
      this.#setHolding(false);
      for (const run of this.#held.splice(0)) run();
      for (const listener of this.#listeners.board) listener();
    }
  }

  #onSync(event: SyncMessageEvent): void {
    const { str, fromClient } = event.payload;
    if (this.#me && fromClient.id === this.#me.id) return;
    let data: unknown;
    try {
      data = JSON.parse(str);
    } catch {
      return;
    }
    for (const listener of this.#listeners.sync) listener({ from: fromClient.player.name, data });
  }

  #setHolding(holding: boolean): void {
    this.holding = holding;
    for (const listener of this.#listeners.hold) listener(holding);
  }
}

/** TaleSpire's failures: rejected `{ cause }` objects, or resolved values carrying a `cause`. */
async function settle<T>(promise: Promise<T>): Promise<T> {
  let value: T;
  try {
    value = await promise;
  } catch (error) {
    throw toError(error);
  }
  const cause = typeof value === 'object' && value !== null ? (value as { cause?: unknown }).cause : undefined;
  if (typeof cause === 'string') throw new TaleSpireError(cause);
  return value;
}

function toError(error: unknown): Error {
  if (error instanceof Error) return error;
  const cause = (error as { cause?: unknown } | null)?.cause;
  return new TaleSpireError(typeof cause === 'string' ? cause : String(error));
}

function add<T>(set: Set<T>, item: T): () => void {
  set.add(item);
  return () => set.delete(item);
}

/** Sums a result tree the way TaleSpire does (honouring `-`), for showing the dice before the server answers. */
export function sumNode(node: RollResultsGroup['result']): number {
  if ('operator' in node) {
    const [first, ...rest] = node.operands.map(sumNode);
    return rest.reduce((total, value) => (node.operator === '-' ? total - value : total + value), first ?? 0);
  }
  if ('results' in node) return node.results.reduce((total, face) => total + face, 0);
  return node.value;
}
