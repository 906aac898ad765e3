/** Why a notation was refused: bad syntax, or a value beyond the limits. */
export type DiceNotationErrorKind = 'syntax' | 'limit';

/** A roll notation that cannot be parsed or breaks a limit; `position` is the 0-based offset of the problem. */
export class DiceNotationError extends Error {
  constructor(
    message: string,
    readonly position: number,
    readonly kind: DiceNotationErrorKind = 'syntax',
  ) {
    super(message);
    this.name = 'DiceNotationError';
  }
}

/** TaleSpire results that are malformed, out of range or do not match the expected notation; `path` names the node. */
export class DiceResultsError extends Error {
  constructor(
    message: string,
    readonly path: string,
  ) {
    super(path ? `${path}: ${message}` : message);
    this.name = 'DiceResultsError';
  }
}
