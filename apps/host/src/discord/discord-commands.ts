import { OptionType } from './discord-types.js';

/** The slash commands this host answers; `npm run discord:register` puts exactly this set. */
export interface CommandDefinition {
  name: string;
  description: string;
  type?: number;
  contexts?: number[];
  options?: OptionDefinition[];
}

export interface OptionDefinition {
  type: number;
  name: string;
  description: string;
  required?: boolean;
  autocomplete?: boolean;
  min_value?: number;
  max_value?: number;
  max_length?: number;
  options?: OptionDefinition[];
}

const campaignOption: OptionDefinition = {
  type: OptionType.String,
  name: 'campaign',
  description: 'Use this campaign instead of the one chosen for here',
  autocomplete: true,
};

export const COMMANDS: CommandDefinition[] = [
  { name: 'link', description: 'Link your Discord account to your Campaign Manager account' },
  { name: 'unlink', description: 'Unlink your Discord account' },
  {
    name: 'campaign',
    description: 'The campaign played here',
    options: [
      {
        type: OptionType.SubCommand,
        name: 'info',
        description: 'Show the campaign played here',
        options: [campaignOption],
      },
      {
        type: OptionType.SubCommand,
        name: 'switch',
        description: 'Choose the campaign played here (its DM only)',
        options: [
          { type: OptionType.String, name: 'name', description: 'Campaign', required: true, autocomplete: true },
        ],
      },
      {
        type: OptionType.SubCommand,
        name: 'load',
        description: 'Import a campaign file (.yaml) or your character (.cmchar)',
        options: [
          {
            type: OptionType.Attachment,
            name: 'file',
            description: 'A .yaml campaign or a .cmchar character',
            required: true,
          },
          campaignOption,
        ],
      },
      {
        type: OptionType.SubCommand,
        name: 'create',
        description: 'Create a campaign; you are its DM',
        options: [
          { type: OptionType.String, name: 'name', description: 'Its name', required: true, max_length: 100 },
          { type: OptionType.String, name: 'ruleset', description: 'Ruleset', required: true, autocomplete: true },
        ],
      },
    ],
  },
  {
    name: 'roll',
    description: 'Roll dice or one of your character’s actions',
    options: [
      { type: OptionType.String, name: 'notation', description: 'e.g. 2d20kh1+3', max_length: 200 },
      { type: OptionType.String, name: 'action', description: 'One of your character’s rolls', autocomplete: true },
      {
        type: OptionType.Integer,
        name: 'modifier',
        description: 'Easier (+) or harder (−)',
        min_value: -100,
        max_value: 100,
      },
      { type: OptionType.String, name: 'label', description: 'Shown with the roll', max_length: 200 },
      campaignOption,
    ],
  },
  {
    name: 'character',
    description: 'Show or switch your active character',
    options: [
      { type: OptionType.String, name: 'switch', description: 'Make this character active', autocomplete: true },
      campaignOption,
    ],
  },
  {
    name: 'hp',
    description: 'Change hit points (or another resource) by a delta',
    options: [
      {
        type: OptionType.Integer,
        name: 'delta',
        description: 'e.g. -5 or 3',
        required: true,
        min_value: -10000,
        max_value: 10000,
      },
      { type: OptionType.String, name: 'character', description: 'Whose (default: yours)', autocomplete: true },
      {
        type: OptionType.String,
        name: 'resource',
        description: 'Which resource (default: the first)',
        autocomplete: true,
      },
      campaignOption,
    ],
  },
  {
    name: 'npc',
    description: 'The campaign’s NPCs',
    options: [
      { type: OptionType.SubCommand, name: 'list', description: 'The NPCs you can see', options: [campaignOption] },
      {
        type: OptionType.SubCommand,
        name: 'show',
        description: 'One NPC',
        options: [
          { type: OptionType.String, name: 'name', description: 'NPC', required: true, autocomplete: true },
          campaignOption,
        ],
      },
    ],
  },
];
