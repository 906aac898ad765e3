import type { RollDiceSummary, RollGroupSummary } from '@cm/contracts';
import type { RollDto } from '../dice/dto/roll-responses.dto.js';
import type { Embed, EmbedField } from './discord-types.js';

/** Discord's embed limits (message.mdx): exceeding any of them is a 400. */
const LIMITS = {
  title: 256,
  description: 4096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footer: 2048,
  total: 6000,
};

const TONE_COLOURS: Record<string, number> = {
  critical: 0xf1c40f,
  success: 0x2ecc71,
  mixed: 0xe67e22,
  neutral: 0x95a5a6,
  failure: 0xe74c3c,
  botch: 0x8e0000,
};

/** Cuts text to `max` characters, marking the cut. */
export function clip(text: string, max: number): string {
  const trimmed = text.trim();
  return trimmed.length <= max ? trimmed : `${trimmed.slice(0, max - 1)}…`;
}

/** An embed cut to Discord's limits: each part clipped, at most 25 fields, at most 6000 characters in total. */
export function fitEmbed(embed: Embed): Embed {
  const fitted: Embed = { ...embed };
  if (embed.title) fitted.title = clip(embed.title, LIMITS.title);
  if (embed.description) fitted.description = clip(embed.description, LIMITS.description);
  if (embed.footer) fitted.footer = { text: clip(embed.footer.text, LIMITS.footer) };
  const fixed = (fitted.title?.length ?? 0) + (fitted.footer?.text.length ?? 0);
  if (fitted.description && fixed + fitted.description.length > LIMITS.total)
    fitted.description = clip(fitted.description, Math.max(LIMITS.total - fixed, 1));
  let budget =
    LIMITS.total - (fitted.title?.length ?? 0) - (fitted.description?.length ?? 0) - (fitted.footer?.text.length ?? 0);
  const fields: EmbedField[] = [];
  for (const field of (embed.fields ?? []).slice(0, LIMITS.fields)) {
    const name = clip(field.name, LIMITS.fieldName) || '—';
    const value = clip(field.value, Math.min(LIMITS.fieldValue, Math.max(budget - name.length, 1))) || '—';
    if (name.length + value.length > budget) break;
    budget -= name.length + value.length;
    fields.push({ ...field, name, value });
  }
  if (embed.fields) fitted.fields = fields;
  return fitted;
}

/** `2d20 (14, ~~3~~) + 3`: each group's dice with dropped dice struck, like Avrae shows them. */
export function breakdown(groups: RollGroupSummary[]): string {
  return groups
    .map((group) => {
      const dice = group.dice.map(
        (term, index) => `${index === 0 && term.sign === '+' ? '' : ` ${term.sign} `}${dieText(term)}`,
      );
      const modifier = group.modifier === 0 ? '' : ` ${group.modifier > 0 ? '+' : '-'} ${Math.abs(group.modifier)}`;
      return `${group.name ? `${group.name}: ` : ''}${dice.join('')}${modifier} = \`${group.total}\``;
    })
    .join('\n');
}

function dieText(term: RollDiceSummary): string {
  const dropped = new Set(term.dropped ?? []);
  const faces = term.faces.map((face, index) => (dropped.has(index) ? `~~${face}~~` : `**${face}**`));
  return `${term.faces.length}d${term.sides} (${faces.join(', ')})`;
}

/** The answer to a roll: who rolled what, the breakdown, the number to show and the ruleset's outcome. */
export function rollEmbed(roll: RollDto, rollerName: string, campaignName: string): Embed {
  const outcome = roll.outcome;
  const shown = roll.value === null ? (outcome?.label ?? '') : String(roll.value);
  const fields: EmbedField[] = [{ name: 'Result', value: `**${shown}**`, inline: true }];
  if (outcome) {
    fields.push({ name: 'Outcome', value: outcome.label, inline: true });
    if (outcome.detail) fields.push({ name: 'Detail', value: outcome.detail });
  }
  if (roll.options?.modifier) fields.push({ name: 'Modifier', value: signed(roll.options.modifier), inline: true });
  return fitEmbed({
    title: `${rollerName} rolls ${roll.label}`,
    description: breakdown(roll.groups),
    color: outcome ? TONE_COLOURS[outcome.tone] : undefined,
    fields,
    footer: { text: campaignName },
  });
}

export function signed(value: number): string {
  return value > 0 ? `+${value}` : String(value);
}
