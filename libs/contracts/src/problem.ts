/** One field-level validation error: a dotted path into the request (`groups.0.groupId`) and a message. */
export interface FieldError {
  path: string;
  message: string;
}

/**
 * Every stable `code` a problem response may carry, with what it means. The host maps each to one HTTP status
 * (`apps/host/src/common/domain-error.ts`); the OpenAPI document lists them as the `ProblemCode` enum.
 */
export const PROBLEM_CODE_MEANINGS = {
  bad_request: 'The request is invalid (field `errors`): an unknown or malformed field, a bad cursor or notation',
  malformed_body: 'The body is not parseable (e.g. invalid JSON)',
  unsupported_media_type: 'The body has a content type the route does not accept',
  validation_failed: 'The content is refused (field `errors`): an invalid sheet, an unknown ruleset, a bad import',
  ruleset_refused:
    'The ruleset refused the roll or operation (`rulesetCode`, `pluginId`, the message in `detail`, field `errors` when it names one)',
  invalid_token: 'The emailed verification or password-reset token is unknown, used or expired',
  unauthenticated: 'No valid access token, wrong credentials, or an unusable refresh token',
  forbidden: 'The caller may see the resource but not do this (e.g. a player asking for a DM-only action)',
  email_not_verified: 'Verify the email address first (creating or joining a group)',
  wrong_password: 'The current password is wrong (changing the password)',
  not_found: 'No such resource, or one the caller may not see (indistinguishable)',
  method_not_allowed: 'The route does not accept this HTTP method (the `Allow` header lists those it does)',
  request_timeout: 'The request did not arrive in time',
  conflict: 'The action conflicts with the current state (e.g. a feature plugin refused it)',
  stale_version: 'The write was based on an older version (`currentVersion` names the current one)',
  characters_assigned: 'The group’s ruleset cannot change while characters are assigned',
  dm_cannot_leave: 'The DM must transfer the role before leaving the group',
  invite_expired: 'The invite has expired',
  invite_revoked: 'The invite was revoked',
  invite_used_up: 'The invite has no uses left',
  payload_too_large: 'The body or upload is larger than allowed',
  uri_too_long: 'A segment of the URL is longer than the host accepts',
  rate_limited: 'Too many requests (`retryAfterSeconds` and the Retry-After header say when to retry)',
  request_header_fields_too_large: 'The request line and headers exceed 16 KiB',
  internal_error: 'An unexpected error on the server',
  plugin_failed: 'A plugin threw, timed out or returned a bad result (`pluginId`, `failure`)',
  plugin_quarantined:
    'The plugin kept timing out, crashing or exceeding its memory and is quarantined (`pluginId`, `reason`, Retry-After)',
  plugin_busy: 'The plugin has too many calls waiting; retry shortly (`pluginId`, Retry-After)',
  dependency_unavailable: 'A service the host needs (database, Redis, object store, SMTP) is unavailable',
  not_ready: 'Readiness check: a dependency is down (`checks`)',
  shutting_down: 'The host is shutting down; retry (another instance, or this one once restarted, answers)',
} as const;

/** A stable, machine-readable problem code (see PROBLEM_CODE_MEANINGS). */
export type ProblemCode = keyof typeof PROBLEM_CODE_MEANINGS;

/** Every problem code, in a stable order. */
export const PROBLEM_CODES = Object.keys(PROBLEM_CODE_MEANINGS) as readonly ProblemCode[];

/** Whether a value is one of the stable problem codes. */
export function isProblemCode(value: unknown): value is ProblemCode {
  return typeof value === 'string' && Object.hasOwn(PROBLEM_CODE_MEANINGS, value);
}

/** An RFC 9457 problem details body (`application/problem+json`), as every error response of the API looks. */
export interface Problem {
  /** A relative URI naming the error code, e.g. `/problems/not-found`. */
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  /** Stable machine-readable code, e.g. `not_found`, `validation_failed`, `stale_version`, `rate_limited`. */
  code: ProblemCode;
  /** Field-level errors of a 400/422 validation failure. */
  errors?: FieldError[];
  /** Seconds to wait before retrying (429, 503); also sent as the Retry-After header. */
  retryAfterSeconds?: number;
  [extension: string]: unknown;
}

/** The content type of problem responses. */
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** Whether a parsed response body looks like a Problem (numeric `status`; string `code`, `title`, `type`). */
export function isProblem(body: unknown): body is Problem {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return false;
  const record = body as Record<string, unknown>;
  return (
    typeof record.status === 'number' &&
    typeof record.code === 'string' &&
    typeof record.title === 'string' &&
    typeof record.type === 'string'
  );
}
