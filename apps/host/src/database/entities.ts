import { CampaignImportEntity } from '../campaign-import/campaign-import.entity.js';
import { CharacterVersionEntity } from '../characters/character-version.entity.js';
import { CharacterEntity } from '../characters/character.entity.js';
import { GroupCharacterEntity } from '../characters/group-character.entity.js';
import { DiscordAccountEntity } from '../discord/discord-account.entity.js';
import { DiscordLinkEntity } from '../discord/discord-link.entity.js';
import { NpcEntity, NpcVersionEntity } from '../npcs/npc.entity.js';
import { RollEntity } from '../dice/roll.entity.js';
import { GroupInviteEntity } from '../groups/group-invite.entity.js';
import { GroupMemberEntity } from '../groups/group-member.entity.js';
import { GroupEntity } from '../groups/group.entity.js';
import { PluginEventCursorEntity, PluginStateEntity } from '../features/plugin-state.entity.js';
import { GroupEventEntity } from '../events/group-event.entity.js';
import { UserTokenEntity } from '../users/user-token.entity.js';
import { UserEntity } from '../users/user.entity.js';

/** Every entity, for the migration CLI's DataSource (Nest modules register theirs with forFeature). */
export const ENTITIES = [
  UserEntity,
  UserTokenEntity,
  GroupEntity,
  GroupMemberEntity,
  GroupInviteEntity,
  CharacterEntity,
  CharacterVersionEntity,
  GroupCharacterEntity,
  GroupEventEntity,
  RollEntity,
  PluginStateEntity,
  PluginEventCursorEntity,
  DiscordAccountEntity,
  DiscordLinkEntity,
  NpcEntity,
  NpcVersionEntity,
  CampaignImportEntity,
];
