/** Why a notation was refused, the error for bad notation (with `position`) and the error for bad TaleSpire results (with `path`). */
export { DiceNotationError, DiceResultsError, type DiceNotationErrorKind } from './errors.js';
/** The notation limits and the options that change them (`maxDice`). */
export { DICE_LIMITS, type DiceOptions } from './limits.js';
/** Parse, format and check TaleSpire compatibility of roll notations; the typed AST. */
export {
  formatNotation,
  isTaleSpireCompatible,
  parseNotation,
  TALESPIRE_DICE,
  type DiceTerm,
  type KeepRule,
  type ModifierTerm,
  type NotationGroup,
  type NotationTerm,
  type ParsedRoll,
  type Sign,
} from './notation.js';
/** Random sources: the unbiased Web Crypto default and a builder over any uint32 generator (for tests and seeds). */
export { cryptoRandom, randomFromUint32, type RandomSource } from './random.js';
/** Roll a notation and the structured result (faces, kept/dropped, group totals, overall total). */
export {
  droppedIndices,
  rollNotation,
  type RolledDiceTerm,
  type RolledGroup,
  type RolledModifierTerm,
  type RolledTerm,
  type RollResult,
  type RollResultSource,
} from './roll.js';
/** TaleSpire `rollResults` trees: types, evaluation, validation of client-reported results, conversion to RollResult. */
export {
  evaluateResultsGroup,
  TALESPIRE_RESULT_LIMITS,
  toDiceTerms,
  validateResultsGroups,
  type ResultDiceNode,
  type ResultNode,
  type ResultOperatorNode,
  type ResultValueNode,
  type RollResultsGroup,
  type ValidatedResults,
} from './talespire.js';
/** Faces against a notation: the dice it asks for, the check of reported faces, and a roll rebuilt in its term order. */
export { alignToNotation, checkFaces, expectedDice, facesOf, type ExpectedDie } from './faces.js';
