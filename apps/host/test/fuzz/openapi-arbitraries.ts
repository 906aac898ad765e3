import fc from 'fast-check';

/** The part of an OpenAPI 3 schema object the generators read. */
export interface Schema {
  $ref?: string;
  type?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  items?: Schema;
  enum?: unknown[];
  format?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  nullable?: boolean;
  example?: unknown;
  allOf?: Schema[];
  oneOf?: Schema[];
  anyOf?: Schema[];
}

/** What valid-ish input may use: the document's components and the values a running scenario knows. */
export interface ValuePool {
  components: Record<string, Schema>;
  uuids: string[];
  /** Values the scenario has for a property name (`rulesetId`, `characterId`, `version`, …). */
  named: Record<string, unknown[]>;
  emails: string[];
  strings: string[];
  objects: Array<Record<string, unknown>>;
}

/** A request body as bytes on the wire, with the content type it is sent as (none: no header). */
export interface FuzzBody {
  bytes: Buffer;
  contentType?: string;
  /** What was done to it, for the failure report. */
  mutation: string;
}

const PLACEHOLDER = '__fuzz_raw__';

export function resolve(schema: Schema | undefined, pool: ValuePool): Schema {
  let current = schema ?? {};
  for (let hops = 0; current.$ref && hops < 10; hops += 1) {
    current = pool.components[current.$ref.replace('#/components/schemas/', '')] ?? {};
  }
  if (current.allOf?.length) {
    const { allOf, ...rest } = current;
    return Object.assign({}, ...allOf.map((part) => resolve(part, pool)), rest) as Schema;
  }
  return current;
}

/** Strings no API should choke on: NUL, lone surrogates, injections, path tricks, huge and empty ones. */
export function hostileString(): fc.Arbitrary<string> {
  const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((code) => String.fromCharCode(code));
  return fc.oneof(
    fc.constantFrom(
      '',
      '\u0000',
      'a\u0000b',
      '\ud800',
      '\udfff',
      'x\ud83d',
      '\ufffe\uffff',
      '../../etc/passwd',
      "'; DROP TABLE users; --",
      '<script>alert(1)</script>',
      '   ',
      'null',
      '1e400',
      '-1',
      '%00',
      '𝕏🎲'.repeat(40),
    ),
    fc.string({ maxLength: 30 }),
    fc.string({ unit: 'binary', maxLength: 30 }),
    fc
      .string({ unit: loneSurrogate, minLength: 1, maxLength: 3 })
      .chain((bad) => fc.string({ maxLength: 8 }).map((good) => `${good}${bad}${good}`)),
    fc.integer({ min: 1000, max: 200_000 }).map((length) => 'x'.repeat(length)),
  );
}

/** Numbers at and beyond the edges; `1e400` (Infinity once parsed) is inserted as raw text by a mutation. */
export function hostileNumber(): fc.Arbitrary<number> {
  return fc.oneof(
    fc.constantFrom(1e308, -1e308, 2 ** 53 + 2, -(2 ** 53 + 2), 0.5, -0.5, 5e-324, 2 ** 31, -(2 ** 31) - 1),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.integer(),
  );
}

/** Any JSON value of another kind than expected. */
function anyValue(): fc.Arbitrary<unknown> {
  return fc.oneof(
    hostileString(),
    hostileNumber(),
    fc.boolean(),
    fc.constant(null),
    fc.constant([]),
    fc.constant({}),
    fc.jsonValue({ maxDepth: 3 }),
  );
}

/** Valid-ish values for a schema: right types and ranges, and the scenario's real ids where a uuid is asked. */
export function valueFor(input: Schema | undefined, pool: ValuePool, depth = 0): fc.Arbitrary<unknown> {
  const schema = resolve(input, pool);
  const examples = schema.example === undefined ? [] : [fc.constant(schema.example)];
  if (schema.enum?.length) return fc.constantFrom(...schema.enum);
  if (schema.oneOf?.length || schema.anyOf?.length)
    return fc.oneof(...(schema.oneOf ?? schema.anyOf ?? []).map((part) => valueFor(part, pool, depth + 1)));
  switch (schema.type) {
    case 'string':
      return fc.oneof(...examples, stringFor(schema, pool));
    case 'integer':
    case 'number':
      return fc.oneof(
        ...examples,
        fc.integer({ min: Math.ceil(schema.minimum ?? -1000), max: Math.floor(schema.maximum ?? 1000) }),
      );
    case 'boolean':
      return fc.boolean();
    case 'array':
      return fc.array(valueFor(schema.items, pool, depth + 1), {
        minLength: schema.minItems ?? 0,
        maxLength: Math.min(schema.maxItems ?? 4, 4),
      });
    default:
      if (schema.properties && depth < 6) return objectFor(schema, pool, depth);
      if (schema.type === 'object' || schema.additionalProperties)
        return fc.oneof(
          fc.constantFrom(...(pool.objects.length > 0 ? pool.objects : [{}])),
          fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 6 }),
        );
      return fc.jsonValue({ maxDepth: 2 });
  }
}

function stringFor(schema: Schema, pool: ValuePool): fc.Arbitrary<string> {
  if (schema.format === 'uuid') return fc.oneof(fc.constantFrom(...pool.uuids), fc.uuid());
  if (schema.format === 'email')
    return pool.emails.length > 0 ? fc.oneof(fc.constantFrom(...pool.emails), fc.emailAddress()) : fc.emailAddress();
  if (schema.format === 'date-time') return fc.date({ noInvalidDate: true }).map((date) => date.toISOString());
  const minLength = schema.minLength ?? 0;
  const maxLength = Math.max(minLength, Math.min(schema.maxLength ?? 40, 60));
  return fc.oneof(
    fc.string({ minLength, maxLength }),
    fc.constantFrom(
      ...pool.strings.filter((text) => text.length >= minLength && text.length <= maxLength),
      'x'.repeat(minLength),
    ),
  );
}

function objectFor(schema: Schema, pool: ValuePool, depth: number): fc.Arbitrary<unknown> {
  const model = Object.fromEntries(
    Object.entries(schema.properties ?? {}).map(([key, property]) => {
      const generated = valueFor(property, pool, depth + 1);
      const named = pool.named[key];
      return [
        key,
        named?.length ? fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...named) }, generated) : generated,
      ];
    }),
  );
  return fc.record(model, { requiredKeys: (schema.required ?? []).filter((key) => key in model) });
}

/** Dotted paths of a schema's properties (nested objects and array items too), for targeted mutations. */
export function propertyPaths(input: Schema | undefined, pool: ValuePool, prefix = '', depth = 0): string[] {
  const schema = resolve(input, pool);
  if (depth > 3) return [];
  const nested = schema.type === 'array' ? resolve(schema.items, pool) : schema;
  const own = Object.entries(nested.properties ?? {});
  const base = schema.type === 'array' ? `${prefix}${prefix ? '.' : ''}0` : prefix;
  return own.flatMap(([key, property]) => {
    const path = base ? `${base}.${key}` : key;
    return [path, ...propertyPaths(property, pool, path, depth + 1)];
  });
}

function setAt(target: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const root = structuredClone(target);
  const keys = path.split('.');
  let node: Record<string, unknown> = root;
  for (const key of keys.slice(0, -1)) {
    if (typeof node[key] !== 'object' || node[key] === null) node[key] = /^\d+$/.test(key) ? [] : {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys.at(-1)!] = value;
  return root;
}

/** Raw JSON text for what JSON.stringify cannot produce: prototype keys, Infinity, very deep nesting. */
const RAW_FRAGMENTS = [
  '1e400',
  '-1e400',
  '{"__proto__":{"polluted":true}}',
  '{"constructor":{"prototype":{"polluted":true}}}',
  '{"toString":"x","valueOf":1,"hasOwnProperty":2}',
  `${'['.repeat(100)}${']'.repeat(100)}`,
  `${'{"a":'.repeat(80)}1${'}'.repeat(80)}`,
];
const BUILT_IN_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'valueOf',
  'hasOwnProperty',
  '__defineGetter__',
];
const WRONG_TYPES = [
  'text/plain',
  'application/x-www-form-urlencoded',
  'image/png',
  'multipart/form-data; boundary=fuzz',
  'application/json; charset=latin1',
  'application/xml',
  undefined,
];

type Mutation = (base: Record<string, unknown>) => FuzzBody;

/** Valid-ish bodies for a schema, most of them mutated in one hostile way. */
export function bodyFor(schema: Schema, pool: ValuePool): fc.Arbitrary<FuzzBody> {
  const paths = propertyPaths(schema, pool);
  const target = paths.length > 0 ? fc.constantFrom(...paths) : fc.constant('x');
  const json = (value: unknown, mutation: string, contentType = 'application/json'): FuzzBody => ({
    bytes: Buffer.from(JSON.stringify(value)),
    contentType,
    mutation,
  });
  const withRaw = (base: Record<string, unknown>, path: string, raw: string, mutation: string): FuzzBody => ({
    bytes: Buffer.from(JSON.stringify(setAt(base, path, PLACEHOLDER)).replace(`"${PLACEHOLDER}"`, raw)),
    contentType: 'application/json',
    mutation,
  });
  const mutations: Array<fc.Arbitrary<Mutation>> = [
    fc.tuple(target, anyValue()).map(
      ([path, value]) =>
        (base) =>
          json(setAt(base, path, value), `${path} = ${show(value)}`),
    ),
    fc.tuple(target, hostileString()).map(
      ([path, value]) =>
        (base) =>
          json(setAt(base, path, value), `${path} = ${show(value)}`),
    ),
    fc.tuple(target, hostileNumber()).map(
      ([path, value]) =>
        (base) =>
          json(setAt(base, path, value), `${path} = ${value}`),
    ),
    target.map((path) => (base) => json(setAt(base, path, null), `${path} = null`)),
    fc.tuple(target, fc.constantFrom(...RAW_FRAGMENTS)).map(
      ([path, raw]) =>
        (base) =>
          withRaw(base, path, raw, `${path} = raw ${raw.slice(0, 40)}`),
    ),
    fc.tuple(fc.constantFrom(...BUILT_IN_KEYS), anyValue()).map(([key, value]) => (base) => ({
      bytes: Buffer.from(
        `{${JSON.stringify(key)}:${JSON.stringify(value) ?? 'null'}${Object.keys(base).length > 0 ? `,${JSON.stringify(base).slice(1)}` : '}'}`,
      ),
      contentType: 'application/json',
      mutation: `top-level key ${key}`,
    })),
    target.map((path) => (base) => {
      const [before, after] = JSON.stringify(setAt(base, path, PLACEHOLDER)).split(`"${PLACEHOLDER}"`);
      const bytes = Buffer.concat([
        Buffer.from(`${before}"bad`),
        Buffer.from([0xff, 0xc3, 0x28]),
        Buffer.from(`"${after}`),
      ]);
      return { bytes, contentType: 'application/json', mutation: `${path} = invalid UTF-8` };
    }),
    fc
      .constantFrom('null', '[]', '"text"', '42', 'true', '', '{', '{"a":1,}', 'not json', '\u0000')
      .map((text) => () => ({
        bytes: Buffer.from(text),
        contentType: 'application/json',
        mutation: `body ${show(text)}`,
      })),
    fc
      .constantFrom(...WRONG_TYPES)
      .map((contentType) => (base) => json(base, `content type ${contentType}`, contentType)),
    fc.string({ maxLength: 12 }).map((key) => (base) => json({ ...base, [`x-${key}`]: 1 }, `unknown key x-${key}`)),
  ];
  return fc
    .tuple(
      valueFor(schema, pool),
      // A third of the bodies stay valid-ish, so the accepting paths are fuzzed too (opaque JSON, ids, ranges).
      fc.oneof(
        { weight: 5, arbitrary: fc.constant<Mutation>((base) => json(base, 'none')) },
        ...mutations.map((arbitrary) => ({ weight: 1, arbitrary })),
      ),
    )
    .map(([base, mutate]) => mutate(isObject(base) ? base : {}));
}

/** A body for an operation that takes none (GET, DELETE): usually none, sometimes junk. */
export function strayBody(): fc.Arbitrary<FuzzBody | undefined> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.constant(undefined) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.jsonValue({ maxDepth: 2 }), fc.constantFrom('application/json', 'text/plain', 'image/png'))
        .map(([value, contentType]) => ({
          bytes: Buffer.from(JSON.stringify(value) ?? ''),
          contentType,
          mutation: 'stray body',
        })),
    },
  );
}

/** A path segment: a value the scenario knows (mostly), or a hostile one, percent-encoded or raw. */
export function segmentFor(known: string[]): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 14, arbitrary: fc.constantFrom(...known).map(encodeSegment) },
    { weight: 4, arbitrary: hostileString().map(encodeSegment) },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        '%00',
        '%ED%A0%80',
        '%',
        '%zz',
        '%C0%AF',
        '..',
        '.',
        '%2e%2e',
        '%2F',
        '%F0%9F%8E%B2',
        'a'.repeat(150),
      ),
    },
  );
}

/** Query parameters: documented ones with valid-ish or hostile values, sometimes an unknown one. */
export function queryFor(parameters: Array<{ name: string; schema?: Schema }>, pool: ValuePool): fc.Arbitrary<string> {
  const one = (name: string, schema?: Schema) =>
    fc.option(
      fc
        .oneof(
          valueFor(schema, pool).map((value) => String(value)),
          hostileString(),
        )
        .map((value) => `${encodeURIComponent(name)}=${encodeSegment(value)}`),
      { freq: 2 },
    );
  return fc
    .tuple(
      ...parameters.map((parameter) => one(parameter.name, parameter.schema)),
      fc.option(fc.constantFrom('x=%00', 'x=%', 'a[b]=1', 'limit=1&limit=2')),
    )
    .map((parts) => parts.filter((part): part is string => typeof part === 'string').join('&'));
}

/** encodeURIComponent, except that lone surrogates (which it refuses) go out as their invalid UTF-8 bytes. */
export function encodeSegment(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    // Array.from keeps surrogate pairs together; what is left alone is a lone surrogate.
    return Array.from(value)
      .map((unit) => (/^[\ud800-\udfff]$/.test(unit) ? '%ED%A0%80' : encodeURIComponent(unit)))
      .join('');
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function show(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  return text.length > 60 ? `${text.slice(0, 60)}… (${text.length} chars)` : text;
}
