import type { FieldError } from '@cm/contracts';

export type { FieldError } from '@cm/contracts';

/** Error codes that services throw; one place (ProblemFilter) maps them to HTTP statuses. */
export const DOMAIN_ERROR_STATUS = {
  validation_failed: 422,
  bad_request: 400,
  unauthenticated: 401,
  forbidden: 403,
  email_not_verified: 403,
  not_found: 404,
  method_not_allowed: 405,
  request_timeout: 408,
  conflict: 409,
  gone: 410,
  payload_too_large: 413,
  uri_too_long: 414,
  unsupported_media_type: 415,
  rate_limited: 429,
  request_header_fields_too_large: 431,
  dependency_unavailable: 503,
  shutting_down: 503,
  plugin_failed: 502,
} as const;

export type DomainErrorCode = keyof typeof DOMAIN_ERROR_STATUS;

/** A failure in the domain, carrying a code, a human message and optional detail fields. */
export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly extras: { errors?: FieldError[]; retryAfterSeconds?: number; [key: string]: unknown } = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }

  get status(): number {
    return DOMAIN_ERROR_STATUS[this.code];
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
