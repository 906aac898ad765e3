import type { Problem, ProblemCode } from '@cm/contracts';

// The problem shape is the clients' contract (libs/contracts); the host builds it here.
export { PROBLEM_CONTENT_TYPE, type Problem } from '@cm/contracts';

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  410: 'Gone',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

/** Builds a problem body; `type` is a relative URI naming the error code, which extension members never replace. */
export function problem(
  status: number,
  code: ProblemCode,
  detail?: string,
  extras: Record<string, unknown> = {},
): Problem {
  const { code: _ignored, ...extensions } = extras;
  return {
    type: `/problems/${code.replace(/_/g, '-')}`,
    title: TITLES[status] ?? 'Error',
    status,
    code,
    ...(detail === undefined ? {} : { detail }),
    ...extensions,
  };
}
