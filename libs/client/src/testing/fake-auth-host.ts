/**
 * A stand-in for the host's auth routes, for unit tests without a server: the same contract (single-use rotating
 * refresh tokens, reuse revokes the login, 401 problems for expired access tokens, the cm_rt cookie kept in a
 * shared "browser" jar). The integration tests run the same client against the real host.
 */
export interface FakeAuthHost {
  fetch: typeof fetch;
  /** Refresh requests received, and those that presented an already used token. */
  readonly refreshes: number;
  readonly reuses: number;
  /** Requests to `/v1/groups` and how many of them were refused with 401. */
  readonly groupCalls: number;
  readonly refusedCalls: number;
  /** Makes every access token issued so far invalid (as if they had expired). */
  expireAccessTokens(): void;
  /** The access token lifetime the host announces, in seconds. */
  expiresIn: number;
  /** Makes the next refreshes fail with this status (e.g. 503). */
  failRefreshWith: number | null;
}

const USER = {
  id: 'u1',
  email: 'ada@example.com',
  displayName: 'Ada',
  emailVerified: true,
  createdAt: '2026-01-01T00:00:00.000Z',
};

/** Creates a fake host with one account, ada@example.com / `correct horse`. */
export function fakeAuthHost(): FakeAuthHost {
  let counter = 0;
  const validAccess = new Set<string>();
  const liveRefresh = new Set<string>();
  const usedRefresh = new Set<string>();
  let cookie: string | null = null;
  const state = { refreshes: 0, reuses: 0, groupCalls: 0, refusedCalls: 0 };
  const host: FakeAuthHost = {
    get refreshes() {
      return state.refreshes;
    },
    get reuses() {
      return state.reuses;
    },
    get groupCalls() {
      return state.groupCalls;
    },
    get refusedCalls() {
      return state.refusedCalls;
    },
    expiresIn: 900,
    failRefreshWith: null,
    expireAccessTokens: () => validAccess.clear(),
    fetch: async (input, init) => {
      const request = new Request(input, init);
      const url = new URL(request.url);
      const body =
        request.method === 'GET' ? {} : ((await request.json().catch(() => ({}))) as Record<string, unknown>);
      // Let concurrent callers pile up as they would over a network.
      await new Promise((resolve) => setTimeout(resolve, 5));
      return route(url.pathname, request, body);
    },
  };

  function issue(transport: unknown): Record<string, unknown> {
    counter += 1;
    const accessToken = `at-${counter}`;
    const refreshToken = `rt-${counter}`;
    validAccess.add(accessToken);
    liveRefresh.add(refreshToken);
    const tokens = { accessToken, expiresIn: host.expiresIn, tokenType: 'Bearer' };
    if (transport !== 'cookie') return { ...tokens, refreshToken };
    cookie = refreshToken;
    return tokens;
  }

  function route(path: string, request: Request, body: Record<string, unknown>): Response {
    const bearer = (request.headers.get('authorization') ?? '').replace(/^Bearer /, '');
    switch (path) {
      case '/v1/auth/login': {
        if (body.email !== USER.email || body.password !== 'correct horse') return problem(401, 'unauthenticated');
        return json(200, { ...issue(body.transport), user: USER });
      }
      case '/v1/auth/refresh': {
        state.refreshes += 1;
        if (host.failRefreshWith) return problem(host.failRefreshWith, 'dependency_unavailable');
        const presented = typeof body.refreshToken === 'string' ? body.refreshToken : cookie;
        if (!presented || !liveRefresh.has(presented)) {
          if (presented && usedRefresh.has(presented)) {
            state.reuses += 1;
            liveRefresh.clear();
          }
          return problem(401, 'unauthenticated');
        }
        liveRefresh.delete(presented);
        usedRefresh.add(presented);
        return json(200, issue(typeof body.refreshToken === 'string' ? 'body' : 'cookie'));
      }
      case '/v1/auth/logout': {
        const presented = typeof body.refreshToken === 'string' ? body.refreshToken : cookie;
        if (presented) liveRefresh.delete(presented);
        cookie = null;
        return new Response(null, { status: 204 });
      }
      case '/v1/me':
        return validAccess.has(bearer) ? json(200, USER) : problem(401, 'unauthenticated');
      case '/v1/groups':
        state.groupCalls += 1;
        if (!validAccess.has(bearer)) {
          state.refusedCalls += 1;
          return problem(401, 'unauthenticated');
        }
        return json(200, [{ id: 'g1', name: 'Table', echo: body }]);
      case '/v1/broken':
        return new Response('<html>bad gateway</html>', { status: 502, statusText: 'Bad Gateway' });
      default:
        return problem(404, 'not_found');
    }
  }

  return host;
}

function json(status: number, value: unknown): Response {
  return new Response(JSON.stringify(value), { status, headers: { 'content-type': 'application/json' } });
}

function problem(status: number, code: string): Response {
  return new Response(JSON.stringify({ type: `/problems/${code}`, title: 'Problem', status, code, detail: code }), {
    status,
    headers: { 'content-type': 'application/problem+json' },
  });
}
