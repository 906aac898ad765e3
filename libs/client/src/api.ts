import createClient, { type Client, type Middleware } from 'openapi-fetch';
import type { components, operations, paths } from './generated/api.js';
import { ApiProblem, problemOf, problemResponse, readProblem } from './problem.js';

/** The typed API client: `api.GET('/v1/groups/{id}', { params: { path: { id } } })` → `{ data, error, response }`. */
export type Api = Client<paths>;

/** Every schema of the OpenAPI document, by name (`Schemas['GroupDto']`). */
export type Schemas = components['schemas'];

/** The generated types, for callers that need an operation's parameters or a path's methods. */
export type { components, operations, paths };

/** What the API client needs from a session: tokens, and a refresh when the host refuses one. */
export interface AccessTokenSource {
  getAccessToken(options?: { minValidityMs?: number }): Promise<string | null>;
  refresh(replacing?: string | null): Promise<string | null>;
}

/** Where the host is, whose tokens to send, and optionally the fetch to use. */
export interface ApiOptions {
  /** The host's origin, e.g. `https://cm.example.com` (paths start with `/v1`). */
  baseUrl: string;
  /** Sends its access token as `Authorization: Bearer`; without one, requests go out anonymous. */
  session?: AccessTokenSource;
  fetch?: typeof fetch;
}

/** A token this close to its expiry is renewed before the request rather than after a 401. */
const MIN_VALIDITY_MS = 10_000;

/**
 * Creates the typed openapi-fetch client. With a session it sends the bearer token and, on a 401, waits for one
 * (single-flight) refresh and retries the request once. Error responses that are not problems (a proxy's HTML 502)
 * are turned into problem bodies, so `error` is always a Problem; `unwrap` turns it into a thrown ApiProblem.
 */
export function createApi(options: ApiOptions): Api {
  const api = createClient<paths>({ baseUrl: options.baseUrl, fetch: options.fetch });
  api.use(problemBodies);
  if (options.session) api.use(bearerAuth(options.session));
  return api;
}

type Result<T> = { data?: T; error?: unknown; response: Response };

/** The data of an API call, or a thrown ApiProblem when it failed: `const group = await unwrap(api.GET(...))`. */
export async function unwrap<T>(call: Promise<Result<T>>): Promise<T> {
  const { data, error, response } = await call;
  if (!response.ok) throw new ApiProblem(problemOf(response.status, response.statusText, error));
  return data as T;
}

/** Makes every error body a problem body (onResponse runs after bearerAuth's retry). */
const problemBodies: Middleware = {
  async onResponse({ response }) {
    if (response.ok || (response.headers.get('content-type') ?? '').includes('problem+json')) return undefined;
    return problemResponse(await readProblem(response), response.headers);
  },
};

function bearerAuth(session: AccessTokenSource): Middleware {
  // The request as first sent (its body unread), per call, for the one retry after a refresh.
  const originals = new Map<string, { request: Request; token: string }>();
  return {
    async onRequest({ request, schemaPath, id }) {
      if (schemaPath.startsWith('/v1/auth/') || request.headers.has('authorization')) return undefined;
      const token = await session.getAccessToken({ minValidityMs: MIN_VALIDITY_MS });
      if (!token) return undefined;
      const authorized = withBearer(request, token);
      originals.set(id, { request: authorized.clone(), token });
      return authorized;
    },
    async onResponse({ response, id, options }) {
      const original = originals.get(id);
      originals.delete(id);
      if (response.status !== 401 || !original) return undefined;
      const token = await session.refresh(original.token).catch(() => null);
      if (!token) return undefined;
      return options.fetch(withBearer(original.request, token));
    },
    onError({ id }) {
      originals.delete(id);
      return undefined;
    },
  };
}

function withBearer(request: Request, token: string): Request {
  const headers = new Headers(request.headers);
  headers.set('authorization', `Bearer ${token}`);
  return new Request(request, { headers });
}
