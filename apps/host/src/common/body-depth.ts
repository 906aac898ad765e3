import type { FastifyInstance } from 'fastify';
import { DomainError } from './domain-error.js';

/** How deep a request body may nest before any recursive code (class-transformer, validators, plugins) sees it. */
export const MAX_BODY_DEPTH = 64;

/**
 * Refuses request bodies nested deeper than 64 levels with 400, checked iteratively right after parsing:
 * the global ValidationPipe's recursive class-transformer would overflow the stack on them (a 1 MiB body can
 * nest ~170,000 levels deep). A Fastify hook rather than a Nest interceptor: it costs nothing on bodiless requests.
 */
export function installBodyDepthLimit(fastify: FastifyInstance): void {
  fastify.addHook('preValidation', async (request) => {
    if (request.body !== undefined && exceedsDepth(request.body, MAX_BODY_DEPTH)) {
      throw new DomainError('bad_request', `The request body is nested deeper than ${MAX_BODY_DEPTH} levels`, {
        errors: [{ path: '', message: `must not nest deeper than ${MAX_BODY_DEPTH} levels` }],
      });
    }
  });
}

/** Arrays and plain objects: what JSON parsing produces (streams, Buffers and class instances are not walked). */
function isJsonContainer(value: unknown): value is object {
  if (Array.isArray(value)) return true;
  if (typeof value !== 'object' || value === null) return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}

/** Whether a JSON value nests deeper than `limit` (iterative: safe for any depth). */
export function exceedsDepth(value: unknown, limit: number): boolean {
  const stack: Array<{ value: unknown; depth: number }> = [{ value, depth: 0 }];
  while (stack.length > 0) {
    const item = stack.pop()!;
    if (!isJsonContainer(item.value)) continue;
    if (item.depth >= limit) return true;
    for (const child of Object.values(item.value)) stack.push({ value: child, depth: item.depth + 1 });
  }
  return false;
}
