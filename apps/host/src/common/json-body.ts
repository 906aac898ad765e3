import type { FastifyInstance, FastifyRequest } from 'fastify';
import { DomainError, type FieldError } from './domain-error.js';

/** How deep a request body may nest before any recursive code (class-transformer, validators, plugins) sees it. */
export const MAX_BODY_DEPTH = 64;
/** At most this many field errors are listed for one body (a hostile body could have millions). */
const MAX_FIELD_ERRORS = 20;
/**
 * Keys that name built-in object properties. class-transformer silently drops them (a sheet loses its
 * `toString` field), class-validator's whitelist does not see them, and `__proto__` would replace a
 * prototype: they are refused everywhere, like any unknown property.
 */
const BUILT_IN_KEYS = new Set([...Object.getOwnPropertyNames(Object.prototype), 'prototype']);
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
// ES2024's String.prototype.isWellFormed (Node 20+), which the ES2023 lib does not declare.
const isWellFormed = (text: string): boolean => (text as string & { isWellFormed(): boolean }).isWellFormed();

/**
 * The host's only request-body parser: `application/json` in UTF-8, a JSON object at the top, and nothing
 * PostgreSQL or the validation layers cannot take (see `inspectJson`). Every other content type is refused
 * with 415 (Fastify's answer when no parser matches), except what a feature registers for its own route
 * (the local upload route's images). The raw bytes stay on `request.rawBody` for signature checks.
 */
export function installJsonBodyParser(fastify: FastifyInstance): void {
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    try {
      (request as FastifyRequest & { rawBody?: Buffer }).rawBody = body as Buffer;
      done(null, parseJsonBody(body as Buffer, request.headers['content-type']));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
}

/** Decodes, parses and inspects a JSON request body; throws a 400/415 DomainError when it is refused. */
export function parseJsonBody(bytes: Buffer, contentType: string | undefined): Record<string, unknown> {
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(contentType ?? '')?.[1]?.toLowerCase();
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
    throw new DomainError('unsupported_media_type', `JSON bodies must be UTF-8, not ${charset}`);
  }
  if (bytes.length === 0)
    throw invalidBody('The request body is empty but its Content-Type says JSON', 'must not be empty');
  let text: string;
  try {
    text = UTF8.decode(bytes);
  } catch {
    throw invalidBody('The request body is not valid UTF-8', 'must be valid UTF-8');
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw invalidBody(`The request body is not valid JSON: ${(error as Error).message}`, 'must be valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalidBody('The request body must be a JSON object', 'must be a JSON object');
  }
  const errors = inspectJson(value);
  if (errors.length > 0) throw new DomainError('bad_request', 'The request body is invalid', { errors });
  return value as Record<string, unknown>;
}

/**
 * Field errors for what no route may receive, anywhere in a parsed JSON value: strings or keys with NUL
 * (U+0000; PostgreSQL refuses it in text and jsonb) or unpaired UTF-16 surrogates (not storable, and
 * `encodeURIComponent` throws on them), numbers out of range (`1e400` parses as Infinity, stored as null),
 * built-in property names as keys, and nesting deeper than 64 levels. Iterative: safe for any depth.
 */
export function inspectJson(value: unknown, root = ''): FieldError[] {
  const errors: FieldError[] = [];
  const stack: Array<{ value: unknown; path: string; depth: number }> = [{ value, path: root, depth: 0 }];
  while (stack.length > 0 && errors.length < MAX_FIELD_ERRORS) {
    const item = stack.pop()!;
    if (typeof item.value === 'string') {
      const problem = badString(item.value);
      if (problem) errors.push({ path: item.path, message: `must not contain ${problem}` });
      continue;
    }
    if (typeof item.value === 'number') {
      if (!Number.isFinite(item.value)) errors.push({ path: item.path, message: 'must be a finite number' });
      continue;
    }
    if (typeof item.value !== 'object' || item.value === null) continue;
    if (item.depth >= MAX_BODY_DEPTH) {
      errors.push({ path: item.path, message: `must not nest deeper than ${MAX_BODY_DEPTH} levels` });
      continue;
    }
    const isArray = Array.isArray(item.value);
    for (const [key, child] of Object.entries(item.value)) {
      const path = item.path ? `${item.path}.${key}` : key;
      if (!isArray) {
        const problem = badString(key);
        if (problem) errors.push({ path, message: `the property name must not contain ${problem}` });
        else if (BUILT_IN_KEYS.has(key)) errors.push({ path, message: `property ${key} should not exist` });
      }
      stack.push({ value: child, path, depth: item.depth + 1 });
    }
  }
  return errors.slice(0, MAX_FIELD_ERRORS);
}

/** What makes a string unstorable, or undefined when it is fine. */
export function badString(text: string): string | undefined {
  if (text.includes('\u0000')) return 'the NUL character (U+0000)';
  if (!isWellFormed(text)) return 'unpaired UTF-16 surrogates';
  return undefined;
}

function invalidBody(detail: string, message: string): DomainError {
  return new DomainError('bad_request', detail, { errors: [{ path: '', message }] });
}

/**
 * The same string rule for path parameters and query values (a `%00` in a cursor or an id must not reach
 * SQL): 400 with the parameter's name as the path. Checked before validation; costs nothing without them.
 */
export function installUrlParameterCheck(fastify: FastifyInstance): void {
  fastify.addHook('preValidation', async (request) => {
    const errors = [...parameterErrors(request.params), ...parameterErrors(request.query)];
    if (errors.length > 0) throw new DomainError('bad_request', 'The request URL is invalid', { errors });
  });
}

function parameterErrors(values: unknown): FieldError[] {
  if (typeof values !== 'object' || values === null) return [];
  const errors: FieldError[] = [];
  for (const [name, value] of Object.entries(values)) {
    for (const text of Array.isArray(value) ? value : [value]) {
      const problem = typeof text === 'string' ? (badString(text) ?? badString(name)) : undefined;
      if (problem) errors.push({ path: name, message: `must not contain ${problem}` });
    }
  }
  return errors;
}
