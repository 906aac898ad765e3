import { call, type ClientServices, type GroupDetail, type Member, type Schemas } from '@cm/client/svelte';

export type Invite = Schemas['InviteDto'];
export type CreatedInvite = Schemas['CreatedInviteDto'];

/** The DM's settings page: the group, its members and its invites. */
export class GroupSettingsState {
  group = $state<GroupDetail | null>(null);
  members = $state<Member[]>([]);
  invites = $state<Invite[]>([]);
  status = $state<'loading' | 'ready' | 'not_found' | 'error'>('loading');
  readonly #services: ClientServices;
  readonly #path: { params: { path: { id: string } } };

  constructor(
    services: ClientServices,
    readonly groupId: string,
  ) {
    this.#services = services;
    this.#path = { params: { path: { id: groupId } } };
  }

  async load(): Promise<void> {
    try {
      const group = await call(this.#services.api.GET('/v1/groups/{id}', this.#path));
      // Players get the not-found page: settings exist for the DM only.
      if (group.myRole !== 'dm') {
        this.status = 'not_found';
        return;
      }
      const [members, invites] = await Promise.all([
        call(this.#services.api.GET('/v1/groups/{id}/members', this.#path)),
        call(this.#services.api.GET('/v1/groups/{id}/invites', this.#path)),
      ]);
      this.group = group;
      this.members = members.map((member) => ({ ...member, online: false }));
      this.invites = invites;
      this.status = 'ready';
    } catch (error) {
      this.status = (error as { status?: number }).status === 404 ? 'not_found' : 'error';
    }
  }

  async update(changes: { name?: string; description?: string }): Promise<void> {
    this.group = await call(this.#services.api.PATCH('/v1/groups/{id}', { ...this.#path, body: changes }));
  }

  async createInvite(options: { expiresInHours?: number; maxUses?: number }): Promise<CreatedInvite> {
    const created = await call(
      this.#services.api.POST('/v1/groups/{id}/invite', { ...this.#path, body: { expiresInHours: 168, ...options } }),
    );
    this.invites = await call(this.#services.api.GET('/v1/groups/{id}/invites', this.#path));
    return created;
  }

  async revokeInvite(inviteId: string): Promise<void> {
    await call(
      this.#services.api.DELETE('/v1/groups/{id}/invites/{inviteId}', {
        params: { path: { id: this.groupId, inviteId } },
      }),
    );
    this.invites = this.invites.map((invite) => (invite.id === inviteId ? { ...invite, revoked: true } : invite));
  }

  async removeMember(userId: string): Promise<void> {
    await call(
      this.#services.api.DELETE('/v1/groups/{id}/members/{userId}', { params: { path: { id: this.groupId, userId } } }),
    );
    this.members = this.members.filter((member) => member.userId !== userId);
  }

  async transferDm(userId: string): Promise<void> {
    this.group = await call(
      this.#services.api.POST('/v1/groups/{id}/transfer-dm', { ...this.#path, body: { userId } }),
    );
  }

  async remove(): Promise<void> {
    await call(this.#services.api.DELETE('/v1/groups/{id}', this.#path));
  }
}
