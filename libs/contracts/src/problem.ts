/** One field-level validation error: a dotted path into the request (`groups.0.groupId`) and a message. */
export interface FieldError {
  path: string;
  message: string;
}

/** An RFC 9457 problem details body (`application/problem+json`), as every error response of the API looks. */
export interface Problem {
  /** A relative URI naming the error code, e.g. `/problems/not-found`. */
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  /** Stable machine-readable code, e.g. `not_found`, `validation_failed`, `conflict`, `rate_limited`. */
  code: string;
  /** Field-level errors of a 400/422 validation failure. */
  errors?: FieldError[];
  /** Seconds to wait before retrying (429, 503); also sent as the Retry-After header. */
  retryAfterSeconds?: number;
  [extension: string]: unknown;
}

/** The content type of problem responses. */
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** Whether a parsed response body looks like a Problem (has numeric `status` and string `code`, `title`, `type`). */
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
