import type { AnyGroupEvent, JsonValue } from '@cm/contracts';
import { ApiError, call, type ClientServices, type Schemas } from './services.js';

export type GroupDetail = Schemas['GroupDto'];
export type Member = Schemas['GroupMemberDto'] & { online: boolean };
export type GroupCharacter = Schemas['GroupCharacterDto'];
export type Roll = Schemas['RollDto'];
export type RollRequest = Schemas['CreateRollDto'];
export type GroupViewStatus = 'loading' | 'ready' | 'not_found' | 'removed' | 'deleted' | 'error';

const PAGE_SIZE = 25;

/**
 * One group on screen: the group, its members with presence, its characters with resource bars, the roll log
 * (newest first, older pages on demand) and the feature plugins' state — loaded over HTTP, then kept current
 * by the group's realtime events (resumed from the group's `eventSeq`, so nothing between the read and the
 * subscription is missed). Roll ids dedupe a roll that arrives both as an answer and as an event.
 */
export class GroupViewState {
  status = $state<GroupViewStatus>('loading');
  error = $state<string | null>(null);
  // Lists are replaced, never mutated: raw state (no deep proxies) keeps a busy roll log cheap to update.
  group = $state.raw<GroupDetail | null>(null);
  members = $state.raw<Member[]>([]);
  characters = $state.raw<GroupCharacter[]>([]);
  rolls = $state.raw<Roll[]>([]);
  nextCursor = $state<string | null>(null);
  loadingOlder = $state(false);
  /** Ids of rolls that arrived live since the page opened (for a short highlight). */
  freshRolls = $state.raw<string[]>([]);
  /** Feature plugin state by plugin id, then key. */
  featureState = $state.raw<Record<string, Record<string, JsonValue>>>({});
  readonly groupId: string;
  readonly #services: ClientServices;
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- private bookkeeping, never rendered
  #online = new Set<string>();
  #unwatch: (() => void) | null = null;
  #refetchCharacters: ReturnType<typeof setTimeout> | null = null;
  #disposed = false;

  constructor(services: ClientServices, groupId: string) {
    this.#services = services;
    this.groupId = groupId;
  }

  get isDm(): boolean {
    return this.group?.myRole === 'dm';
  }

  /** The display name of a member (or a placeholder for someone who left). */
  nameOf(userId: string): string {
    return this.members.find((member) => member.userId === userId)?.displayName ?? 'A former member';
  }

  characterName(characterId: string | null): string | null {
    if (!characterId) return null;
    return this.characters.find((character) => character.characterId === characterId)?.name ?? null;
  }

  /** Reads everything, then watches the group's events from the seq the read saw. */
  async load(): Promise<void> {
    try {
      const seq = await this.#read();
      if (this.#disposed) return;
      this.status = 'ready';
      this.#watch(seq);
    } catch (error) {
      if (this.#disposed) return;
      this.status = error instanceof ApiError && error.status === 404 ? 'not_found' : 'error';
      this.error = error instanceof Error ? error.message : String(error);
    }
  }

  /** Reads the group and its lists; returns the group's eventSeq (older than every list read after it). */
  async #read(): Promise<number> {
    const api = this.#services.api;
    const path = { params: { path: { id: this.groupId } } };
    const group = await call(api.GET('/v1/groups/{id}', path));
    const [members, characters, page] = await Promise.all([
      call(api.GET('/v1/groups/{id}/members', path)),
      this.#fetchCharacters(),
      call(api.GET('/v1/groups/{id}/rolls', { params: { path: { id: this.groupId }, query: { limit: PAGE_SIZE } } })),
    ]);
    this.group = group;
    this.members = members.map((member) => ({ ...member, online: this.#online.has(member.userId) }));
    this.characters = characters;
    this.rolls = page.items;
    this.nextCursor = page.nextCursor;
    return group.eventSeq;
  }

  /** The next (older) page of the roll log. */
  async loadOlder(): Promise<void> {
    if (!this.nextCursor || this.loadingOlder) return;
    this.loadingOlder = true;
    try {
      const page = await call(
        this.#services.api.GET('/v1/groups/{id}/rolls', {
          params: { path: { id: this.groupId }, query: { limit: PAGE_SIZE, cursor: this.nextCursor } },
        }),
      );
      // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a local lookup
      const known = new Set(this.rolls.map((roll) => roll.id));
      this.rolls = [...this.rolls, ...page.items.filter((roll) => !known.has(roll.id))];
      this.nextCursor = page.nextCursor;
    } finally {
      this.loadingOlder = false;
    }
  }

  /** Rolls notation or a character's dice action on the server; the roll joins the log at once. */
  async roll(request: RollRequest): Promise<Roll> {
    const roll = await call(
      this.#services.api.POST('/v1/groups/{id}/rolls', { params: { path: { id: this.groupId } }, body: request }),
    );
    this.#addRoll(roll, false);
    return roll;
  }

  /** DM (or owner): an atomic resource delta; the bar moves when the server answers. */
  async applyDelta(characterId: string, resource: string, delta: number): Promise<void> {
    const change = await call(
      this.#services.api.POST('/v1/characters/{id}/resources', {
        params: { path: { id: characterId } },
        body: { resource, delta },
      }),
    );
    this.#setResource(characterId, change.resource, change.value);
  }

  /** Brings one of my characters into the group (as my active one unless `active` is false). */
  async assign(characterId: string, active = true): Promise<void> {
    await call(
      this.#services.api.POST('/v1/groups/{groupId}/characters', {
        params: { path: { groupId: this.groupId } },
        body: { characterId, active },
      }),
    );
    this.characters = await this.#fetchCharacters();
  }

  async unassign(characterId: string): Promise<void> {
    await call(
      this.#services.api.DELETE('/v1/groups/{groupId}/characters/{characterId}', {
        params: { path: { groupId: this.groupId, characterId } },
      }),
    );
    this.characters = this.characters.filter((character) => character.characterId !== characterId);
  }

  /** A feature plugin's state in this group (kept current by plugin.state_changed events). */
  async loadFeature(pluginId: string): Promise<Record<string, JsonValue>> {
    const result = await call(
      this.#services.api.GET('/v1/groups/{id}/plugins/{pluginId}/state', {
        params: { path: { id: this.groupId, pluginId } },
      }),
    );
    this.featureState = { ...this.featureState, [pluginId]: result.state as Record<string, JsonValue> };
    return this.featureState[pluginId];
  }

  /** Calls a feature plugin's server action; resolves with its reply. */
  async callAction(pluginId: string, action: string, input: JsonValue): Promise<JsonValue> {
    const result = await call(
      this.#services.api.POST('/v1/groups/{id}/plugins/{pluginId}/actions/{action}', {
        params: { path: { id: this.groupId, pluginId, action } },
        body: { input: input as Record<string, never> },
      }),
    );
    this.featureState = { ...this.featureState, [pluginId]: result.state as Record<string, JsonValue> };
    return result.reply;
  }

  dispose(): void {
    this.#disposed = true;
    this.#unwatch?.();
    this.#unwatch = null;
    if (this.#refetchCharacters) clearTimeout(this.#refetchCharacters);
  }

  #watch(lastSeq: number): void {
    this.#unwatch = this.#services.realtime.watch(this.groupId, {
      lastSeq,
      onEvent: (event) => this.#apply(event),
      // Too far behind to replay: read everything again and resume from that read's seq.
      onResync: () => this.#read(),
      onUnsubscribed: (reason) => {
        this.status = reason === 'group_deleted' ? 'deleted' : 'removed';
      },
    });
  }

  #fetchCharacters(): Promise<GroupCharacter[]> {
    return call(
      this.#services.api.GET('/v1/groups/{groupId}/characters', { params: { path: { groupId: this.groupId } } }),
    );
  }

  /** Applies one realtime event of this group. */
  #apply(event: AnyGroupEvent): void {
    switch (event.type) {
      case 'roll.created':
        this.#addRoll({ ...event.payload, groupId: this.groupId, createdAt: event.createdAt }, true);
        return;
      case 'character.resource_changed':
        this.#setResource(event.payload.characterId, event.payload.resource, event.payload.value);
        return;
      case 'character.updated':
      case 'character.assigned':
      case 'character.unassigned':
        this.#scheduleCharacterRefetch();
        return;
      case 'member.joined':
        this.#onMemberJoined(event.payload);
        return;
      case 'member.left':
      case 'member.removed':
        this.#onMemberGone(event.payload.userId);
        return;
      case 'group.updated':
        void this.#refreshGroup();
        return;
      case 'group.deleted':
        this.status = 'deleted';
        return;
      case 'presence.changed':
        this.#setOnline(event.payload.userId, event.payload.online);
        return;
      case 'plugin.state_changed':
        this.#setFeatureValue(event.payload.pluginId, event.payload.key, event.payload.value);
        return;
      case 'plugin.reloaded':
        return;
    }
  }

  #addRoll(roll: Roll, live: boolean): void {
    if (this.rolls.some((existing) => existing.id === roll.id)) return;
    this.rolls = [roll, ...this.rolls];
    if (live) this.freshRolls = [...this.freshRolls.slice(-20), roll.id];
  }

  #setResource(characterId: string, resourceId: string, value: number): void {
    this.characters = this.characters.map((character) =>
      character.characterId !== characterId || !character.resources
        ? character
        : {
            ...character,
            resources: character.resources.map((resource) =>
              resource.id === resourceId ? { ...resource, value } : resource,
            ),
          },
    );
  }

  #scheduleCharacterRefetch(): void {
    if (this.#refetchCharacters) clearTimeout(this.#refetchCharacters);
    this.#refetchCharacters = setTimeout(() => {
      this.#refetchCharacters = null;
      this.#fetchCharacters().then(
        (characters) => (this.characters = characters),
        () => undefined,
      );
    }, 50);
  }

  #onMemberJoined(payload: { userId: string; displayName: string; role: 'dm' | 'player' }): void {
    if (this.members.some((member) => member.userId === payload.userId)) return;
    const joinedAt = new Date(Date.now()).toISOString(); // eslint-disable-line svelte/prefer-svelte-reactivity -- a string
    this.members = [...this.members, { ...payload, joinedAt, online: this.#online.has(payload.userId) }];
  }

  #onMemberGone(userId: string): void {
    if (userId === this.#services.session.user?.id) this.status = 'removed';
    this.members = this.members.filter((member) => member.userId !== userId);
    this.#scheduleCharacterRefetch();
  }

  async #refreshGroup(): Promise<void> {
    try {
      const [group, members] = await Promise.all([
        call(this.#services.api.GET('/v1/groups/{id}', { params: { path: { id: this.groupId } } })),
        call(this.#services.api.GET('/v1/groups/{id}/members', { params: { path: { id: this.groupId } } })),
      ]);
      this.group = group;
      this.members = members.map((member) => ({ ...member, online: this.#online.has(member.userId) }));
    } catch {
      // The next event or a reload tries again; a failed refresh keeps what is shown.
    }
  }

  #setOnline(userId: string, online: boolean): void {
    if (online) this.#online.add(userId);
    else this.#online.delete(userId);
    this.members = this.members.map((member) => (member.userId === userId ? { ...member, online } : member));
  }

  #setFeatureValue(pluginId: string, key: string, value: JsonValue | null): void {
    const current = { ...(this.featureState[pluginId] ?? {}) };
    if (value === null) delete current[key];
    else current[key] = value;
    this.featureState = { ...this.featureState, [pluginId]: current };
  }
}
