import { Injectable } from '@nestjs/common';
import { InjectEntityManager } from '@nestjs/typeorm';
import type { EntityManager } from 'typeorm';
import { GroupAccessService, isUuid } from '../groups/group-access.service.js';
import type { Choice, Interaction } from './discord-types.js';
import { UserFacingError } from './user-facing-error.js';

/** A campaign (group) as a Discord command uses it. */
export interface Campaign {
  id: string;
  name: string;
  role: 'dm' | 'player';
}

const MAX_CHOICES = 25;

/**
 * Which campaign a command plays: the one named in the command (always honoured, never replaced by a default), or
 * the one chosen for the guild (or the caller's DMs) with `/campaign switch`, read from `discord_links` on every
 * command, so a switch on one instance, a restart, a rename or a deletion in the web app show at once.
 */
@Injectable()
export class DiscordCampaignsService {
  constructor(
    @InjectEntityManager() private readonly manager: EntityManager,
    private readonly access: GroupAccessService,
  ) {}

  /** The scope a guild's choice is stored under: the guild, or in DMs the Discord user. */
  scopeOf(interaction: Interaction): string {
    return interaction.guild_id
      ? `guild:${interaction.guild_id}`
      : `dm:${interaction.member?.user.id ?? interaction.user?.id}`;
  }

  /** The campaign a command plays, for a member of it; `named` is the command's `campaign:` option. */
  async resolve(userId: string, interaction: Interaction, named: string | undefined): Promise<Campaign> {
    if (named !== undefined) return this.findMine(userId, named);
    const rows: Array<{ group_id: string }> = await this.manager.query(
      `SELECT "group_id" FROM "discord_links" WHERE "scope" = $1`,
      [this.scopeOf(interaction)],
    );
    if (!rows[0]) {
      throw new UserFacingError(
        'No campaign is chosen here yet. Its DM can choose one with /campaign switch, or name one with campaign:.',
      );
    }
    const role = await this.access.roleOf(userId, rows[0].group_id);
    if (!role) throw new UserFacingError('You are not a member of the campaign played here. Ask its DM for an invite.');
    const [{ name }] = await this.manager.query<Array<{ name: string }>>(
      `SELECT "name" FROM "groups" WHERE "id" = $1`,
      [rows[0].group_id],
    );
    return { id: rows[0].group_id, name, role };
  }

  /** DM only: makes a campaign the one played in this scope (persisted). */
  async switchTo(userId: string, interaction: Interaction, named: string): Promise<Campaign> {
    const campaign = await this.findMine(userId, named);
    if (campaign.role !== 'dm') throw new UserFacingError(`Only the DM of ${campaign.name} can choose it for here.`);
    await this.choose(userId, interaction, campaign.id);
    return campaign;
  }

  /** Stores the scope's campaign (the caller's right to do so is checked by the caller). */
  async choose(userId: string, interaction: Interaction, groupId: string): Promise<void> {
    await this.manager.query(
      `INSERT INTO "discord_links" ("scope", "group_id", "set_by_user_id") VALUES ($1, $2, $3)
       ON CONFLICT ("scope") DO UPDATE SET "group_id" = EXCLUDED."group_id", "set_by_user_id" = EXCLUDED."set_by_user_id", "updated_at" = now()`,
      [this.scopeOf(interaction), groupId, userId],
    );
  }

  /** Up to 25 of the caller's campaigns whose name contains `typed`, read from the database each time. */
  async choices(userId: string, typed: string): Promise<Choice[]> {
    const rows: Array<{ id: string; name: string }> = await this.manager.query(
      `SELECT g."id", g."name" FROM "groups" g JOIN "group_members" m ON m."group_id" = g."id" AND m."user_id" = $1
        WHERE g."name" ILIKE $2 ESCAPE '\\' ORDER BY g."name", g."id" LIMIT ${MAX_CHOICES}`,
      [userId, `%${escapeLike(typed)}%`],
    );
    return rows.map((row) => ({ name: row.name.slice(0, 100), value: row.id }));
  }

  /** One of the caller's campaigns by id (what autocomplete sends) or by its exact name (typed by hand). */
  private async findMine(userId: string, named: string): Promise<Campaign> {
    const rows: Array<{ id: string; name: string; role: 'dm' | 'player' }> = await this.manager.query(
      `SELECT g."id", g."name", m."role" FROM "groups" g JOIN "group_members" m ON m."group_id" = g."id" AND m."user_id" = $1
        WHERE ${isUuid(named) ? 'g."id" = $2::uuid' : 'lower(g."name") = lower($2)'} ORDER BY g."created_at" DESC LIMIT 2`,
      [userId, named],
    );
    if (rows.length === 0) throw new UserFacingError(`You are in no campaign called “${named.slice(0, 100)}”.`);
    if (rows.length > 1)
      throw new UserFacingError(`You are in several campaigns called “${rows[0].name}”; pick one from the list.`);
    return rows[0];
  }
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`);
}
