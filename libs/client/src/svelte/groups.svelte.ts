import { call, type ClientServices, type Schemas } from './services.js';

export type Group = Schemas['GroupDto'];
export type InvitePreview = Schemas['InvitePreviewDto'];

/** My groups, the active one first; creating, joining and choosing the active group. */
export class GroupsState {
  items = $state<Group[]>([]);
  activeGroupId = $state<string | null>(null);
  loaded = $state(false);
  readonly #services: ClientServices;

  constructor(services: ClientServices) {
    this.#services = services;
  }

  /** Active group first, then by name. */
  get sorted(): Group[] {
    return [...this.items].sort(
      (a, b) =>
        Number(b.id === this.activeGroupId) - Number(a.id === this.activeGroupId) || a.name.localeCompare(b.name),
    );
  }

  async load(): Promise<void> {
    const [groups, active] = await Promise.all([
      call(this.#services.api.GET('/v1/groups')),
      call(this.#services.api.GET('/v1/me/active-group')),
    ]);
    this.items = groups;
    this.activeGroupId = active.groupId;
    this.loaded = true;
  }

  async create(input: { name: string; rulesetId: string; description?: string }): Promise<Group> {
    const group = await call(this.#services.api.POST('/v1/groups', { body: input }));
    this.items = [...this.items.filter((item) => item.id !== group.id), group];
    await this.setActive(group.id);
    return group;
  }

  async setActive(groupId: string | null): Promise<void> {
    await call(this.#services.api.PUT('/v1/me/active-group', { body: { groupId } }));
    this.activeGroupId = groupId;
  }

  /** What an invite link leads to (public: works before login). */
  preview(groupId: string, token: string): Promise<InvitePreview> {
    return call(this.#services.api.GET('/v1/groups/{id}/join/{token}', { params: { path: { id: groupId, token } } }));
  }

  async join(groupId: string, token: string): Promise<Group> {
    const group = await call(
      this.#services.api.POST('/v1/groups/{id}/join/{token}', { params: { path: { id: groupId, token } } }),
    );
    this.items = [...this.items.filter((item) => item.id !== group.id), group];
    return group;
  }
}
