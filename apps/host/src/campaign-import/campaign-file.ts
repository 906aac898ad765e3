import type { JsonObject } from '@cm/ruleset-sdk';
import { isMap, LineCounter, parseDocument, type Document } from 'yaml';

/** One problem of a campaign file, with the line it is on (1-based; 0 when the file has no such place). */
export interface CampaignFileError {
  line: number;
  path: string;
  message: string;
}

/** An NPC of a campaign file. */
export interface CampaignFileNpc {
  key: string;
  name: string;
  revealed: boolean;
  portraitUrl: string | null;
  publicStatBlocks: string[];
  /** Undefined: the ruleset's default sheet. */
  sheet: JsonObject | undefined;
}

/** A campaign file after parsing and shape checks (the sheets are checked by the ruleset later). */
export interface CampaignFile {
  key: string;
  name: string;
  rulesetId: string;
  description: string;
  npcs: CampaignFileNpc[];
  /** The line of each NPC's sheet, to name it in the ruleset's errors. */
  lineOf(path: Array<string | number>): number;
}

/** The file could not be used; every problem found is listed with its line. */
export class CampaignFileInvalid extends Error {
  constructor(readonly errors: CampaignFileError[]) {
    super(`The campaign file is invalid:\n${errors.map(formatError).join('\n')}`);
    this.name = 'CampaignFileInvalid';
  }
}

export function formatError(error: CampaignFileError): string {
  return `${error.line > 0 ? `line ${error.line}: ` : ''}${error.path ? `${error.path}: ` : ''}${error.message}`;
}

const KEY = /^[a-z0-9][a-z0-9_-]{0,99}$/;
const TOP_LEVEL = new Set(['format', 'key', 'name', 'ruleset', 'description', 'npcs']);
const NPC_FIELDS = new Set(['key', 'name', 'revealed', 'portrait', 'public', 'sheet']);
const MAX_NPCS = 500;

/**
 * Parses a campaign YAML file (format documented in the README: key, name, ruleset, description, npcs with stable
 * keys and sheets). YAML syntax errors and shape errors are collected, each with its line, and thrown together.
 */
export function parseCampaignFile(text: string): CampaignFile {
  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines, uniqueKeys: true });
  const lineOf = (path: Array<string | number>): number => nodeLine(document, lines, path);
  const errors: CampaignFileError[] = document.errors.map((error) => ({
    line: error.linePos?.[0].line ?? 0,
    path: '',
    message: error.message.split('\n')[0],
  }));
  if (errors.length > 0) throw new CampaignFileInvalid(errors);
  const problem = (path: Array<string | number>, message: string): void => {
    errors.push({ line: lineOf(path), path: path.join('.'), message });
  };
  const root: unknown = document.toJS({ maxAliasCount: 100 });
  if (!isPlainObject(root))
    throw new CampaignFileInvalid([{ line: 1, path: '', message: 'must be a mapping with name, ruleset and npcs' }]);
  for (const field of Object.keys(root)) if (!TOP_LEVEL.has(field)) problem([field], 'is not a campaign field');
  const key = text1(root, 'key', problem, true, KEY, 'lowercase letters, digits, - and _');
  const name = text1(root, 'name', problem, true, undefined, undefined, 100);
  const rulesetId = text1(root, 'ruleset', problem, true, /^[a-z0-9][a-z0-9-]*$/, 'a ruleset id such as dsa5e');
  const description = text1(root, 'description', problem, false, undefined, undefined, 2000) ?? '';
  const npcs = npcList(root.npcs, problem);
  if (errors.length > 0) throw new CampaignFileInvalid(errors);
  return { key: key!, name: name!, rulesetId: rulesetId!, description, npcs, lineOf };
}

type Problem = (path: Array<string | number>, message: string) => void;

function npcList(value: unknown, problem: Problem): CampaignFileNpc[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    problem(['npcs'], 'must be a list');
    return [];
  }
  if (value.length > MAX_NPCS) problem(['npcs'], `at most ${MAX_NPCS} NPCs`);
  const seen = new Set<string>();
  return value.slice(0, MAX_NPCS).flatMap((entry: unknown, index) => {
    const at = (field: string): Array<string | number> => ['npcs', index, field];
    if (!isPlainObject(entry)) {
      problem(['npcs', index], 'must be a mapping with key, name and sheet');
      return [];
    }
    for (const field of Object.keys(entry)) if (!NPC_FIELDS.has(field)) problem(at(field), 'is not an NPC field');
    const scoped: Problem = (path, message) => problem(['npcs', index, ...path], message);
    const key = text1(entry, 'key', scoped, true, KEY, 'lowercase letters, digits, - and _');
    const name = text1(entry, 'name', scoped, true, undefined, undefined, 100);
    if (key && seen.has(key)) problem(at('key'), `"${key}" is used by another NPC of this file`);
    if (key) seen.add(key);
    if (entry.revealed !== undefined && typeof entry.revealed !== 'boolean')
      problem(at('revealed'), 'must be true or false');
    const portrait = entry.portrait;
    if (
      portrait !== undefined &&
      portrait !== null &&
      (typeof portrait !== 'string' || !/^https?:\/\/\S{1,1990}$/.test(portrait))
    )
      problem(at('portrait'), 'must be an http(s) URL');
    const publicBlocks = entry.public ?? [];
    if (!Array.isArray(publicBlocks) || publicBlocks.some((block) => typeof block !== 'string'))
      problem(at('public'), 'must be a list of stat block ids');
    if (entry.sheet !== undefined && !isPlainObject(entry.sheet))
      problem(at('sheet'), 'must be a mapping (the ruleset’s sheet)');
    if (!key || !name) return [];
    return [
      {
        key,
        name,
        revealed: entry.revealed === true,
        portraitUrl: typeof portrait === 'string' ? portrait : null,
        publicStatBlocks: Array.isArray(publicBlocks) ? (publicBlocks as string[]) : [],
        sheet: isPlainObject(entry.sheet) ? (entry.sheet as JsonObject) : undefined,
      },
    ];
  });
}

/** A string field: required or not, matching `pattern`, at most `max` characters. */
function text1(
  object: Record<string, unknown>,
  field: string,
  problem: Problem,
  required: boolean,
  pattern?: RegExp,
  patternText?: string,
  max = 100,
): string | undefined {
  const value = object[field];
  if (value === undefined || value === null) {
    if (required) problem([field], 'is required');
    return undefined;
  }
  const text = typeof value === 'number' ? String(value) : value;
  if (typeof text !== 'string' || text.trim() === '') {
    problem([field], 'must be a non-empty text');
    return undefined;
  }
  if (text.length > max) problem([field], `at most ${max} characters`);
  else if (pattern && !pattern.test(text)) problem([field], `must be ${patternText}`);
  else return text.trim();
  return undefined;
}

/** The line of the deepest node of `path` that exists (the sheet's errors name paths deeper than the file has). */
function nodeLine(document: Document, lines: LineCounter, path: Array<string | number>): number {
  for (let depth = path.length; depth >= 0; depth -= 1) {
    const node: unknown = depth === 0 ? document.contents : document.getIn(path.slice(0, depth), true);
    const range = (node as { range?: [number, number, number] } | undefined)?.range;
    if (range) return lines.linePos(keyStart(document, path.slice(0, depth)) ?? range[0]).line;
  }
  return 0;
}

/** Where the key of a mapping entry starts, so an error points at `hp:` rather than at its value's first line. */
function keyStart(document: Document, path: Array<string | number>): number | undefined {
  if (path.length === 0) return undefined;
  const parent: unknown = path.length === 1 ? document.contents : document.getIn(path.slice(0, -1), true);
  if (!isMap(parent)) return undefined;
  const last = path.at(-1);
  const pair = parent.items.find((item) => (item.key as { value?: unknown } | null)?.value === last);
  return (pair?.key as { range?: [number, number, number] } | undefined)?.range?.[0];
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
