import type { Api, GroupViewState, Roll, RollRequest } from '@cm/client/svelte';
import { ApiError, call } from '@cm/client/svelte';
import type { DiceAction, RollOptions } from '@cm/ruleset-sdk';
import { sumNode, TaleSpireError, type TaleSpire } from '../talespire/adapter.js';
import type { RollDescriptor } from '../talespire/types.js';

/** A roll kept in TaleSpire only (quiet or GM-only): never reported, shown with its sum. */
export interface QuietRoll {
  quiet: true;
  label: string;
  total: number;
}

const RETRY_MS = 2000;
const MAX_ATTEMPTS = 30;

/**
 * The Symbiote's dice: a roll goes into TaleSpire's tray (named descriptors), and when this client's throw
 * comes back with that roll id the result tree is reported to the host, which recomputes the total and lets the
 * ruleset read it. Outside TaleSpire the host rolls. A quiet roll stays in TaleSpire (nothing is reported).
 */
export class Dice {
  constructor(
    private readonly ts: TaleSpire,
    private readonly group: GroupViewState,
    private readonly api: Api,
  ) {}

  /** A character's dice action (its ruleset's dice string). */
  async action(
    characterId: string,
    action: DiceAction,
    options: RollOptions = {},
    quiet = false,
  ): Promise<Roll | QuietRoll> {
    const request = { characterId, actionId: action.id, ...clean(options) };
    if (!this.ts.inGame) return this.group.roll(request);
    return this.#throw([{ name: action.label.slice(0, 60), roll: action.diceString }], action.label, request, quiet);
  }

  /** Notation typed into the roll box. */
  async notation(notation: string, quiet = false): Promise<Roll | QuietRoll> {
    if (!this.ts.inGame) return this.group.roll({ notation });
    if (!(await this.ts.isValidRollString(notation)))
      throw new Error(`TaleSpire cannot roll “${notation}”. Try something like 2d6+3.`);
    return this.#throw([{ name: '', roll: notation }], notation, {}, quiet);
  }

  async #throw(
    descriptors: RollDescriptor[],
    label: string,
    request: Omit<RollRequest, 'talespire'>,
    quiet: boolean,
  ): Promise<Roll | QuietRoll> {
    const tray = await this.ts.putDiceInTray(descriptors, quiet);
    if (!quiet) void this.ts.broadcast({ t: 'rolling', label: label.slice(0, 100) });
    const thrown = await tray.thrown;
    const groups = thrown.resultsGroups;
    // A quiet or GM-only result is hidden from the players in TaleSpire: it is not put in the group's log either.
    if (quiet || thrown.quiet || thrown.gmOnly)
      return { quiet: true, label, total: groups.reduce((sum, group) => sum + sumNode(group.result), 0) };
    return this.#report(
      { ...request, talespire: { rollId: tray.rollId, resultsGroups: groups as never } },
      tray.rollId,
    );
  }

  /**
   * Reports a thrown roll; a lost connection does not lose it: after a network failure or a 5xx the log is
   * checked for the roll id (the report may have arrived) before it is sent again.
   */
  async #report(request: RollRequest, rollId: string): Promise<Roll> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.group.roll(request);
      } catch (error) {
        const transient = error instanceof ApiError && (error.status === 0 || error.status >= 500);
        if (!transient || attempt >= MAX_ATTEMPTS) throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
      const stored = await this.#find(rollId).catch(() => undefined);
      if (stored) return stored;
    }
  }

  async #find(rollId: string): Promise<Roll | undefined> {
    const page = await call(
      this.api.GET('/v1/groups/{id}/rolls', { params: { path: { id: this.group.groupId }, query: { limit: 25 } } }),
    );
    return page.items.find((roll) => roll.talespireRollId === rollId);
  }
}

function clean(options: RollOptions): RollOptions {
  return {
    ...(options.modifier ? { modifier: options.modifier } : {}),
    ...(options.target !== undefined ? { target: options.target } : {}),
  };
}

/** A failed roll in plain words (TaleSpire's causes included). */
export function rollFailure(error: unknown): string {
  if (error instanceof TaleSpireError) {
    if (error.reason === 'rollRemoved') return 'The dice were removed from the tray: nothing was rolled.';
    if (error.reason === 'notInBoard') return 'Join a board in TaleSpire to roll its dice.';
    return `TaleSpire could not roll (${error.reason}).`;
  }
  return error instanceof Error ? error.message : 'The roll failed.';
}

export function isQuiet(roll: Roll | QuietRoll): roll is QuietRoll {
  return 'quiet' in roll;
}
