import type { AnyGroupEvent, FieldError, RollOptions } from '@cm/contracts';
import { equal, mergeJson } from './merge.js';
import { ApiError, call, fieldErrors, type ClientServices, type Schemas } from './services.js';
import type { ToastState } from './toasts.svelte.js';

export type Character = Schemas['CharacterDto'];
export type Sheet = Character['sheet'];
export type StatBlock = Schemas['StatBlocksDto']['statBlocks'][number];
export type DiceAction = Schemas['DiceActionsDto']['diceActions'][number];
export type RolledAction = Schemas['RollDto'];
/** `saved`: the server has every edit; `pending`: waiting for a pause in typing; `conflict`: a 409 awaits a choice. */
export type SaveState = 'saved' | 'pending' | 'saving' | 'offline' | 'conflict' | 'refused';

/** A local copy of unsaved edits, written every 30 s and on leaving the page. */
export interface Draft {
  baseVersion: number;
  name: string;
  sheet: Sheet;
  savedAt: string;
}

const SAVE_DELAY_MS = 1000;
const DRAFT_INTERVAL_MS = 30_000;
const RETRY_MS = 5000;

/**
 * One character being edited. Edits apply at once (`sheet`) and are saved after a pause; a save the server
 * refuses rolls the sheet back to the last saved one, with a toast offering the edit back and the field errors
 * shown. A stale version (409) waits for the user's choice (`keepTheirs` / `overwriteWithMine`). Changes made
 * elsewhere (a DM's damage) arrive through the character's groups and are merged under unsaved edits. Unsaved
 * edits are kept as a local draft every 30 s and on leaving, so none is lost.
 */
export class CharacterState {
  character = $state.raw<Character | null>(null);
  /** The sheet as the user sees it (their edits applied). */
  sheet = $state.raw<Sheet | null>(null);
  name = $state('');
  errors = $state.raw<FieldError[]>([]);
  statBlocks = $state.raw<StatBlock[]>([]);
  diceActions = $state.raw<DiceAction[]>([]);
  saveState = $state<SaveState>('saved');
  /** A draft from an earlier visit that differs from the server's sheet (the page offers it back). */
  draft = $state.raw<Draft | null>(null);
  conflictVersion = $state<number | null>(null);
  status = $state<'loading' | 'ready' | 'not_found' | 'error'>('loading');
  error = $state<string | null>(null);
  /** The last roll made from this sheet (shown next to it). */
  lastRoll = $state.raw<RolledAction | null>(null);
  /** Bumped when the sheet changes from outside the sheet UI (rollback, remote change): the UI is updated. */
  externalRevision = $state(0);
  readonly id: string;
  readonly #services: ClientServices;
  readonly #toasts: ToastState;
  #base: { sheet: Sheet; name: string; version: number } | null = null;
  #saveTimer: ReturnType<typeof setTimeout> | null = null;
  #draftTimer: ReturnType<typeof setInterval> | null = null;
  #unwatch: Array<() => void> = [];
  #inFlight: Promise<void> | null = null;
  #derivation = 0;

  constructor(services: ClientServices, toasts: ToastState, id: string) {
    this.#services = services;
    this.#toasts = toasts;
    this.id = id;
  }

  get dirty(): boolean {
    return (
      this.#base !== null &&
      this.sheet !== null &&
      (!equal(this.sheet as never, this.#base.sheet as never) || this.name !== this.#base.name)
    );
  }

  get editable(): boolean {
    return (
      this.character !== null &&
      !this.character.rulesetMissing &&
      this.character.ownerId === this.#services.session.user?.id
    );
  }

  get #draftKey(): string {
    return `cm:draft:character:${this.id}`;
  }

  async load(): Promise<void> {
    try {
      const character = await call(
        this.#services.api.GET('/v1/characters/{id}', { params: { path: { id: this.id } } }),
      );
      this.#adopt(character);
      this.draft = this.#storedDraft(character);
      this.status = 'ready';
      this.#watchGroups(character);
      this.#draftTimer = setInterval(() => this.saveDraft(), DRAFT_INTERVAL_MS);
      await this.#derive(character.sheet);
    } catch (error) {
      this.status = error instanceof ApiError && error.status === 404 ? 'not_found' : 'error';
      this.error = error instanceof Error ? error.message : String(error);
    }
  }

  /** An edit from the sheet UI (the whole sheet) or the name field: shown at once, saved after a pause. */
  edit(change: { sheet?: Sheet; name?: string }): void {
    if (change.sheet !== undefined) this.sheet = JSON.parse(JSON.stringify(change.sheet)) as Sheet;
    if (change.name !== undefined) this.name = change.name;
    if (!this.editable) return;
    this.saveState = this.saveState === 'conflict' ? 'conflict' : 'pending';
    this.#scheduleSave(SAVE_DELAY_MS);
    if (change.sheet !== undefined) void this.#derive(this.sheet!);
  }

  /** Saves now (e.g. before leaving); resolves when the server answered. */
  async flush(): Promise<void> {
    if (this.#saveTimer) clearTimeout(this.#saveTimer);
    this.#saveTimer = null;
    if (this.#inFlight) await this.#inFlight;
    if (this.dirty && this.saveState !== 'conflict') await this.#save();
  }

  /** Writes unsaved edits to the local draft store (every 30 s and when the page is left). */
  saveDraft(): void {
    if (!this.#base || !this.sheet) return;
    if (!this.dirty) {
      this.#services.drafts.remove(this.#draftKey);
      return;
    }
    const draft: Draft = {
      baseVersion: this.#base.version,
      name: this.name,
      sheet: this.sheet,
      savedAt: new Date(Date.now()).toISOString(), // eslint-disable-line svelte/prefer-svelte-reactivity -- a string
    };
    this.#services.drafts.save(this.#draftKey, JSON.stringify(draft));
  }

  /** Puts the offered draft back into the sheet (it is then saved like any edit). */
  restoreDraft(): void {
    const draft = this.draft;
    this.draft = null;
    if (!draft) return;
    this.edit({ sheet: draft.sheet, name: draft.name });
    this.externalRevision++;
  }

  discardDraft(): void {
    this.draft = null;
    this.#services.drafts.remove(this.#draftKey);
  }

  /** 409 choice: drop my edits and show the server's current sheet. */
  async keepTheirs(): Promise<void> {
    const character = await call(this.#services.api.GET('/v1/characters/{id}', { params: { path: { id: this.id } } }));
    this.conflictVersion = null;
    this.#adopt(character);
    this.#services.drafts.remove(this.#draftKey);
    this.externalRevision++;
    await this.#derive(character.sheet);
  }

  /** 409 choice: write my sheet over the server's current version. */
  async overwriteWithMine(): Promise<void> {
    const current = await call(this.#services.api.GET('/v1/characters/{id}', { params: { path: { id: this.id } } }));
    if (this.#base) this.#base = { ...this.#base, version: current.version };
    this.conflictVersion = null;
    this.saveState = 'pending';
    await this.#save();
  }

  /** Rolls one of the sheet's dice actions on the server, into a group the character is in. */
  async rollAction(groupId: string, actionId: string, options: RollOptions = {}): Promise<RolledAction> {
    const { modifier, target } = options;
    const roll = await call(
      this.#services.api.POST('/v1/groups/{id}/rolls', {
        params: { path: { id: groupId } },
        body: {
          characterId: this.id,
          actionId,
          ...(modifier ? { modifier } : {}),
          ...(target === undefined ? {} : { target }),
        },
      }),
    );
    this.lastRoll = roll;
    return roll;
  }

  /** Applies a character returned by another call (history restore, portrait) as the new saved state. */
  replace(character: Character): void {
    this.#adopt(character);
    this.externalRevision++;
    void this.#derive(character.sheet);
  }

  dispose(): void {
    this.saveDraft();
    if (this.#saveTimer) clearTimeout(this.#saveTimer);
    if (this.#draftTimer) clearInterval(this.#draftTimer);
    for (const unwatch of this.#unwatch) unwatch();
    this.#unwatch = [];
  }

  #adopt(character: Character): void {
    this.character = character;
    this.#base = { sheet: character.sheet, name: character.name, version: character.version };
    this.sheet = character.sheet;
    this.name = character.name;
    this.errors = [];
    this.saveState = 'saved';
  }

  #storedDraft(character: Character): Draft | null {
    const raw = this.#services.drafts.load(this.#draftKey);
    if (!raw) return null;
    try {
      const draft = JSON.parse(raw) as Draft;
      if (equal(draft.sheet as never, character.sheet as never) && draft.name === character.name) {
        this.#services.drafts.remove(this.#draftKey);
        return null;
      }
      return draft;
    } catch {
      this.#services.drafts.remove(this.#draftKey);
      return null;
    }
  }

  #scheduleSave(delay: number): void {
    if (this.#saveTimer) clearTimeout(this.#saveTimer);
    this.#saveTimer = setTimeout(() => {
      this.#saveTimer = null;
      if (this.saveState !== 'conflict') void this.#save();
    }, delay);
  }

  async #save(): Promise<void> {
    if (this.#inFlight) {
      await this.#inFlight;
      if (!this.dirty) return;
    }
    if (!this.#base || !this.sheet || !this.dirty) {
      this.saveState = this.saveState === 'conflict' ? 'conflict' : 'saved';
      return;
    }
    this.#inFlight = this.#put(this.sheet, this.name, this.#base.version).finally(() => (this.#inFlight = null));
    await this.#inFlight;
  }

  async #put(sheet: Sheet, name: string, version: number): Promise<void> {
    this.saveState = 'saving';
    try {
      const saved = await call(
        this.#services.api.PUT('/v1/characters/{id}', {
          params: { path: { id: this.id } },
          body: { name, sheet, version },
        }),
      );
      this.character = saved;
      this.#base = { sheet: saved.sheet, name: saved.name, version: saved.version };
      // The host keeps name and sheet.name equal (an edit of the sheet's name renames the character): when
      // nothing was edited while saving, what it stored is the new local state.
      if (equal(this.sheet as never, sheet as never) && this.name === name) {
        this.sheet = saved.sheet;
        this.name = saved.name;
      }
      this.errors = [];
      if (this.dirty) this.#scheduleSave(SAVE_DELAY_MS);
      else {
        this.saveState = 'saved';
        this.#services.drafts.remove(this.#draftKey);
      }
    } catch (error) {
      this.#onSaveFailed(error, sheet, name);
    }
  }

  #onSaveFailed(error: unknown, sheet: Sheet, name: string): void {
    if (error instanceof ApiError && error.status === 409) {
      this.saveState = 'conflict';
      const current = error.body.currentVersion;
      this.conflictVersion = typeof current === 'number' ? current : (this.#base?.version ?? 0) + 1;
      this.saveDraft();
      return;
    }
    if (!(error instanceof ApiError) || error.status === 0 || error.status >= 500 || error.status === 429) {
      this.saveState = 'offline';
      this.saveDraft();
      this.#scheduleSave(RETRY_MS);
      return;
    }
    this.#rollBack(error, sheet, name);
  }

  /** The server refused the edit: back to the last saved sheet, the refused one offered back in a toast. */
  #rollBack(error: ApiError, sheet: Sheet, name: string): void {
    const base = this.#base!;
    this.#derivation++; // a validation still in flight must not replace the refusal's errors
    this.sheet = base.sheet;
    this.name = base.name;
    const errors = fieldErrors(error, 'sheet');
    this.errors = Object.entries(errors).map(([path, message]) => ({ path, message }));
    this.saveState = 'refused';
    this.externalRevision++;
    this.#toasts.show('error', `Not saved: ${error.message}. The sheet is back to its last saved state.`, {
      action: {
        label: 'Restore my edit',
        run: () => {
          this.sheet = sheet;
          this.name = name;
          this.saveState = 'pending';
          this.externalRevision++;
          this.saveDraft();
        },
      },
    });
  }

  /** Validation errors, stat blocks and dice actions for a sheet (the latter two only when it is valid). */
  async #derive(sheet: Sheet): Promise<void> {
    const rulesetId = this.character?.rulesetId;
    if (!rulesetId || this.character?.rulesetMissing) return;
    const ticket = ++this.#derivation;
    const api = this.#services.api;
    const path = { params: { path: { id: rulesetId } }, body: { sheet } };
    try {
      const validation = await call(api.POST('/v1/rulesets/{id}/validate', path));
      if (ticket !== this.#derivation) return;
      this.errors = validation.errors;
      if (!validation.valid) return;
      const [blocks, actions] = await Promise.all([
        call(api.POST('/v1/rulesets/{id}/stat-blocks', path)),
        call(api.POST('/v1/rulesets/{id}/dice-actions', path)),
      ]);
      if (ticket !== this.#derivation) return;
      this.statBlocks = blocks.statBlocks;
      this.diceActions = actions.diceActions;
    } catch {
      // Derived values are a convenience: the save itself validates.
    }
  }

  #watchGroups(character: Character): void {
    for (const group of character.groups) {
      this.#unwatch.push(
        this.#services.realtime.watch(group.groupId, {
          onEvent: (event) => this.#onGroupEvent(event),
          onResync: async () => {
            await this.#pullRemote();
          },
        }),
      );
    }
  }

  #onGroupEvent(event: AnyGroupEvent): void {
    if (event.type !== 'character.updated' && event.type !== 'character.resource_changed') return;
    if (event.payload.characterId !== this.id) return;
    if (this.#base && event.payload.version <= this.#base.version) return;
    void this.#pullRemote();
  }

  /** A change made elsewhere: adopt it, merged under my unsaved edits. */
  async #pullRemote(): Promise<void> {
    if (this.#inFlight) await this.#inFlight;
    const remote = await call(this.#services.api.GET('/v1/characters/{id}', { params: { path: { id: this.id } } }));
    const base = this.#base;
    if (!base || remote.version <= base.version || !this.sheet) return;
    const mine = this.sheet;
    const dirty = this.dirty;
    this.character = remote;
    this.#base = { sheet: remote.sheet, name: remote.name, version: remote.version };
    this.sheet = dirty ? (mergeJson(base.sheet as never, mine as never, remote.sheet as never) as Sheet) : remote.sheet;
    if (!dirty || this.name === base.name) this.name = remote.name;
    this.externalRevision++;
    if (this.saveState === 'conflict') this.conflictVersion = null;
    this.saveState = this.dirty ? 'pending' : 'saved';
    if (this.dirty) this.#scheduleSave(SAVE_DELAY_MS);
    await this.#derive(this.sheet);
  }
}
