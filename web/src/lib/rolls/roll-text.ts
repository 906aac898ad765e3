import type { RollOptions } from '@cm/contracts';
import type { Roll } from '@cm/client/svelte';

type RollFacts = Pick<Roll, 'label' | 'value' | 'outcome'>;

/** The roll's one figure and the ruleset's reading in words, e.g. `Klettern: 2 — Erfolg, QS 2 · 3 FP übrig`. */
export function rollSummary(roll: RollFacts): string {
  return `${roll.label}: ${rollResult(roll)}`;
}

/** The figure (the ruleset's value, else the dice) and the outcome's label and detail, without the roll's label. */
export function rollResult(roll: Omit<RollFacts, 'label'>): string {
  const outcome = roll.outcome;
  if (!outcome) return String(roll.value ?? '—');
  const reading = [outcome.label, outcome.detail].filter(Boolean).join(' · ');
  return roll.value === null ? reading : `${roll.value} — ${reading}`;
}

/** The modifier and target a roll was made with, in short words (`mod +2 · target 15`); empty when none. */
export function optionsText(options: RollOptions | undefined): string {
  if (!options) return '';
  const parts: string[] = [];
  if (options.modifier) parts.push(`mod ${options.modifier > 0 ? '+' : '−'}${Math.abs(options.modifier)}`);
  if (options.target !== undefined) parts.push(`target ${options.target}`);
  return parts.join(' · ');
}
