import type { FieldError, ProblemCode } from '@cm/contracts';

export type { FieldError } from '@cm/contracts';

/**
 * The HTTP status of every problem code (the codes themselves are the clients' contract, `@cm/contracts`).
 * Services throw DomainErrors with one of these codes; one place (ProblemFilter) turns them into problems.
 */
export const PROBLEM_STATUS: Record<ProblemCode, number> = {
  bad_request: 400,
  malformed_body: 400,
  unsupported_media_type: 415,
  validation_failed: 422,
  ruleset_refused: 422,
  invalid_token: 400,
  unauthenticated: 401,
  forbidden: 403,
  email_not_verified: 403,
  wrong_password: 403,
  not_found: 404,
  method_not_allowed: 405,
  request_timeout: 408,
  conflict: 409,
  stale_version: 409,
  characters_assigned: 409,
  dm_cannot_leave: 409,
  invite_expired: 410,
  invite_revoked: 410,
  invite_used_up: 410,
  payload_too_large: 413,
  uri_too_long: 414,
  rate_limited: 429,
  request_header_fields_too_large: 431,
  internal_error: 500,
  plugin_failed: 502,
  plugin_quarantined: 503,
  plugin_busy: 503,
  dependency_unavailable: 503,
  not_ready: 503,
  shutting_down: 503,
};

/** A code a service may throw. */
export type DomainErrorCode = ProblemCode;

/** Extension members of a problem; `code` is the DomainError's own and cannot be overridden here. */
export interface ProblemExtras {
  errors?: FieldError[];
  retryAfterSeconds?: number;
  code?: never;
  [key: string]: unknown;
}

/** A failure in the domain, carrying a code, a human message and optional detail fields. */
export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly extras: ProblemExtras = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }

  get status(): number {
    return PROBLEM_STATUS[this.code];
  }
}

/** A resource that is missing or that the caller may not see: both answer the same way. */
export function notFound(what: string): DomainError {
  return new DomainError('not_found', `${what} not found`);
}

/** A dependency (database, Redis, SMTP) that does not answer. */
export function dependencyUnavailable(what: string): DomainError {
  return new DomainError('dependency_unavailable', `${what} is unavailable, try again shortly`);
}
