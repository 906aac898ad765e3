import type { AttributeKey } from './attributes.js';

/** A magical or blessed tradition and the primary attribute of its AsP/KaP (reference §2). */
export interface TraditionInfo {
  id: string;
  de: string;
  en: string;
  primary: AttributeKey | null;
  /** AsP factor on the primary attribute (UNCONFIRMED per tradition: 1 where a primary attribute exists, else 0). */
  factor: number;
  /** Optolith special ability id of the tradition, where the reference confirms it. */
  optolithId?: string;
}

type Row = [id: string, de: string, en: string, primary: AttributeKey | null, optolithId?: string];
const magical: Row[] = [
  ['guildmage', 'Gildenmagier', 'Guild Mage', 'kl', 'SA_70'],
  ['witch', 'Hexe', 'Witch', 'ch'],
  ['elf', 'Elf', 'Elf', 'in'],
  ['druid', 'Druide', 'Druid', 'kl'],
  ['charlatan', 'Scharlatan', 'Charlatan', 'ch'],
  ['bard', 'Zauberbarde', 'Arcane Bard', 'ch'],
  ['dancer', 'Zaubertänzer', 'Arcane Dancer', 'ch'],
  ['qabalya', 'Qabalyamagier', 'Qabalya Mage', 'kl'],
  ['intuitive', 'Intuitiver Zauberer', 'Intuitive Mage', null],
  ['savant', 'Meistertalentierte', 'Savant', null],
];
const blessed: Row[] = [
  ['praios', 'Praios', 'Praios', 'kl', 'SA_86'],
  ['rondra', 'Rondra', 'Rondra', 'mu'],
  ['boron', 'Boron', 'Boron', 'mu'],
  ['hesinde', 'Hesinde', 'Hesinde', 'kl'],
  ['phex', 'Phex', 'Phex', 'in'],
  ['peraine', 'Peraine', 'Peraine', 'in'],
  ['efferd', 'Efferd', 'Efferd', 'ch'],
  ['travia', 'Travia', 'Travia', 'kl'],
  ['firun', 'Firun', 'Firun', 'mu'],
  ['tsa', 'Tsa', 'Tsa', 'ch'],
  ['ingerimm', 'Ingerimm', 'Ingerimm', 'in'],
  ['rahja', 'Rahja', 'Rahja', 'ch'],
  ['nameless', 'Namenloser', 'Nameless One', 'mu'],
  ['aves', 'Aves', 'Aves', 'in'],
  ['ifirn', 'Ifirn', 'Ifirn', 'ch'],
  ['kor', 'Kor', 'Kor', 'mu'],
  ['nandus', 'Nandus', 'Nandus', 'kl'],
  ['swafnir', 'Swafnir', 'Swafnir', 'mu'],
];
const toInfo = ([id, de, en, primary, optolithId]: Row): TraditionInfo => ({
  id,
  de,
  en,
  primary,
  factor: primary ? 1 : 0,
  ...(optolithId ? { optolithId } : {}),
});

/** Magical traditions (AsP). */
export const MAGICAL_TRADITIONS: readonly TraditionInfo[] = magical.map(toInfo);
/** Blessed traditions (KaP). */
export const BLESSED_TRADITIONS: readonly TraditionInfo[] = blessed.map(toInfo);
