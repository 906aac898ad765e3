import type { RollOutcome } from '@cm/ruleset-sdk';
import type { CriticalQualityRule } from './sheet.js';

/** Quality level for remaining points: clamp(ceil(FP / 3), 1, 6); 0 FP is QS 1. */
export function qualityLevel(points: number): number {
  return Math.min(6, Math.max(1, Math.ceil(points / 3)));
}

/** Inputs of a skill check (Fertigkeitsprobe, 3W20). */
export interface SkillCheckInput {
  attributes: readonly [number, number, number];
  fw: number;
  /** + makes it easier, − harder; applied to each attribute, never to FW. */
  modifier: number;
  dice: readonly number[];
  criticalRule: CriticalQualityRule;
}

/** Resolves a 3W20 skill check exactly as reference §5a (targets t = attr + m; t ≤ 0 is not special-cased). */
export function skillCheck({ attributes, fw, modifier, dice, criticalRule }: SkillCheckInput): RollOutcome {
  const targets = attributes.map((attribute) => attribute + modifier);
  const excess = dice.map((die, i) => Math.max(0, die - targets[i]));
  const points = fw - excess.reduce((sum, value) => sum + value, 0);
  const ones = dice.filter((die) => die === 1).length;
  const twenties = dice.filter((die) => die === 20).length;
  const base = { excess: excess.join(','), targets: targets.join(','), dice: dice.join(','), fw };
  const versus = `${dice.join('/')} gegen (vs) ${targets.join('/')}`;
  const left = (fp: number): string => `${fp} FP übrig (left) · ${versus}`;
  if (ones >= 2) {
    const kept = criticalRule === 'full-points' ? fw : points;
    const qs = qualityLevel(kept);
    const [de, en] =
      ones === 3 ? ['Spektakulärer Erfolg', 'spectacular success'] : ['Kritischer Erfolg', 'critical success'];
    return {
      result: 'critical',
      label: `${de}, QS ${qs} (${en}, QL ${qs})`,
      value: kept,
      detail: left(kept),
      details: { ...base, qualityLevel: qs, remainingPoints: kept, spectacular: ones === 3 },
    };
  }
  if (twenties >= 2) {
    const [de, en] = twenties === 3 ? ['Schreckliches Missgeschick', 'spectacular botch'] : ['Patzer', 'botch'];
    return {
      result: 'botch',
      label: `${de} (${en})`,
      value: points,
      detail: versus,
      details: { ...base, qualityLevel: null, remainingPoints: points, spectacular: twenties === 3 },
    };
  }
  if (points < 0)
    return {
      result: 'failure',
      label: 'Misserfolg (failure)',
      value: points,
      detail: `${-points} FP zu wenig (short) · ${versus}`,
      details: { ...base, qualityLevel: null, remainingPoints: points },
    };
  const qs = qualityLevel(points);
  return {
    result: 'success',
    label: `Erfolg, QS ${qs} (success, QL ${qs})`,
    value: points,
    detail: left(points),
    details: { ...base, qualityLevel: qs, remainingPoints: points },
  };
}

/**
 * Resolves a 1W20 check against `value + modifier` with a confirmation die (reference §5b/§5c): a natural 1 is a
 * critical when the confirmation die also succeeds (else a normal success); a natural 20 is a botch when the
 * confirmation die also fails (else a normal failure). The confirmation die is ignored otherwise.
 */
export function singleCheck(
  value: number,
  modifier: number,
  die: number,
  confirmation: number,
  what: string,
): RollOutcome {
  const target = value + modifier;
  const confirmed = confirmation <= target;
  const confirmationUsed = die === 1 || die === 20;
  const details = { target, roll: die, confirmation, confirmationUsed };
  const detail = `${die} gegen (vs) ${target}${confirmationUsed ? ` · Bestätigung (confirmation) ${confirmation}` : ''}`;
  const outcome = (result: RollOutcome['result'], text: string): RollOutcome => ({
    result,
    label: `${what}: ${text}`,
    value: die,
    detail,
    details,
  });
  if (die === 1 && confirmed) return outcome('critical', 'Kritischer Erfolg (critical success)');
  if (die === 20 && !confirmed) return outcome('botch', 'Patzer (botch)');
  if (die === 1 || (die !== 20 && die <= target)) return outcome('success', 'Erfolg (success)');
  return outcome('failure', 'Misserfolg (failure)');
}
