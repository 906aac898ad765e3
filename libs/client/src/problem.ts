import { isProblem, PROBLEM_CONTENT_TYPE, type FieldError, type Problem, type ProblemCode } from '@cm/contracts';

/**
 * A problem response (RFC 9457) as an Error: `status`, the stable `code` (`stale_version`, `invite_expired`, …),
 * `title`, `detail`, the field `errors` of a validation failure, and the whole body in `problem`.
 */
export class ApiProblem extends Error {
  readonly status: number;
  readonly code: ProblemCode;
  readonly title: string;
  readonly detail: string | undefined;
  readonly fieldErrors: readonly FieldError[];

  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.title);
    this.name = 'ApiProblem';
    this.status = problem.status;
    this.code = problem.code;
    this.title = problem.title;
    this.detail = problem.detail;
    this.fieldErrors = problem.errors ?? [];
  }

  /** The messages of the field errors at `path` or below it (`sheet` matches `sheet.hp.current`). */
  errorsAt(path: string): string[] {
    return this.fieldErrors
      .filter((error) => error.path === path || error.path.startsWith(`${path}.`))
      .map((error) => error.message);
  }
}

/** Whether a value is an ApiProblem, optionally with one of the given codes. */
export function isApiProblem(value: unknown, ...codes: ProblemCode[]): value is ApiProblem {
  return value instanceof ApiProblem && (codes.length === 0 || codes.includes(value.code));
}

/**
 * The problem body of a failed response: the host's own, or one made up for an error that did not come from the
 * host as a problem (a proxy's HTML 502, an empty 503), so callers always get the same shape.
 */
export function problemOf(status: number, statusText: string, body: unknown): Problem {
  if (isProblem(body)) return body;
  return {
    type: 'about:blank',
    title: statusText || `HTTP ${status}`,
    status,
    code:
      status === 401
        ? 'unauthenticated'
        : status === 404
          ? 'not_found'
          : status >= 500
            ? 'internal_error'
            : 'bad_request',
    detail: typeof body === 'string' && body.length > 0 ? body.slice(0, 500) : undefined,
  };
}

/** Reads a non-2xx response as a problem body (without consuming the original). */
export async function readProblem(response: Response): Promise<Problem> {
  const text = await response.clone().text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: keep the text
  }
  return problemOf(response.status, response.statusText, body);
}

/** A Response carrying `problem` as `application/problem+json`. */
export function problemResponse(problem: Problem, headers?: Headers): Response {
  const merged = new Headers(headers);
  merged.set('content-type', PROBLEM_CONTENT_TYPE);
  merged.delete('content-length');
  return new Response(JSON.stringify(problem), { status: problem.status, statusText: problem.title, headers: merged });
}
