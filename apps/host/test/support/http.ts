import { isProblemCode, PROBLEM_CONTENT_TYPE } from '@cm/contracts';

/** A small fetch wrapper for integration tests: JSON in, status + parsed body + headers out. */
export interface HttpResult<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export interface RequestOptions {
  body?: unknown;
  rawBody?: string;
  token?: string;
  headers?: Record<string, string>;
}

export function createHttp(baseUrl: string) {
  return async function request<T = any>(
    method: string,
    path: string,
    options: RequestOptions = {},
  ): Promise<HttpResult<T>> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let body: string | undefined = options.rawBody;
    if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    const response = await fetch(`${baseUrl}${path}`, { method, headers, body });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    assertKnownProblemCode(method, path, response, parsed);
    return { status: response.status, body: parsed as T, headers: response.headers };
  };
}

export type Http = ReturnType<typeof createHttp>;

/**
 * Every problem any integration test sees must carry a code of the contract's enum (`@cm/contracts`
 * PROBLEM_CODES, the OpenAPI `ProblemCode`): a code thrown somewhere without being added there fails the test.
 */
function assertKnownProblemCode(method: string, path: string, response: Response, body: unknown): void {
  if (!(response.headers.get('content-type') ?? '').startsWith(PROBLEM_CONTENT_TYPE)) return;
  const code = (body as { code?: unknown } | undefined)?.code;
  if (!isProblemCode(code)) {
    throw new Error(
      `${method} ${path} answered a problem with code ${JSON.stringify(code)}, missing from PROBLEM_CODES`,
    );
  }
}
