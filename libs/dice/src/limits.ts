/** Hard limits of the notation. They keep every total far below Number.MAX_SAFE_INTEGER. */
export const DICE_LIMITS = {
  /** Default maximum number of dice in one roll (all groups together). */
  maxDice: 100,
  /** Upper bound for a configured `maxDice`. */
  maxDiceCeiling: 10_000,
  /** Smallest and largest number of sides of a die. */
  minSides: 2,
  maxSides: 1000,
  /** Largest absolute value of one modifier term. */
  maxModifier: 100_000,
  /** Largest number of `/`-separated groups. */
  maxGroups: 10,
  /** Longest notation, in characters. */
  maxLength: 200,
  /** Longest group name, in characters. */
  maxNameLength: 64,
} as const;

/** Options for parsing and rolling. */
export interface DiceOptions {
  /** Maximum number of dice in one roll, all groups together (default 100, at most 10,000). */
  maxDice?: number;
}

/** Resolves and checks the configured dice limit. */
export function resolveMaxDice(options: DiceOptions | undefined): number {
  const maxDice = options?.maxDice ?? DICE_LIMITS.maxDice;
  if (!Number.isInteger(maxDice) || maxDice < 1 || maxDice > DICE_LIMITS.maxDiceCeiling) {
    throw new RangeError(`maxDice must be an integer between 1 and ${DICE_LIMITS.maxDiceCeiling}`);
  }
  return maxDice;
}
