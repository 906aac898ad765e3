import { CreateUsers1763780000000 } from './1763780000000-CreateUsers.js';
import { CreateGroupsAndCharacters1763780300000 } from './1763780300000-CreateGroupsAndCharacters.js';
import { CreateRollsAndPluginState1763780500000 } from './1763780500000-CreateRollsAndPluginState.js';
import { IndexForeignKeys1764500000000 } from './1764500000000-IndexForeignKeys.js';
import { CreateDiscordTables1764600000000 } from './1764600000000-CreateDiscordTables.js';
import { CreateNpcs1764600100000 } from './1764600100000-CreateNpcs.js';
import { CreateCampaignImports1764600200000 } from './1764600200000-CreateCampaignImports.js';
import { IndexDiscordLinkSetter1764600300000 } from './1764600300000-IndexDiscordLinkSetter.js';

/** Every migration in order. A new migration is added here; committed ones are never edited. */
export const MIGRATIONS = [
  CreateUsers1763780000000,
  CreateGroupsAndCharacters1763780300000,
  CreateRollsAndPluginState1763780500000,
  IndexForeignKeys1764500000000,
  CreateDiscordTables1764600000000,
  CreateNpcs1764600100000,
  CreateCampaignImports1764600200000,
  IndexDiscordLinkSetter1764600300000,
];
