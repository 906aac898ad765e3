import { decodeJwt, SignJWT } from 'jose';

/** The JWT secret every test host signs with (support/test-host.ts). */
const TEST_JWT_SECRET = new TextEncoder().encode('test-secret-test-secret-test-secret-123');

/**
 * The browser's cookie jar in front of Node's fetch (which keeps no cookies): stores what the host sets with
 * Set-Cookie and sends it back on later requests to the cookie's path, as a browser does for every tab of one
 * profile. Pass one jar to several Sessions to model several tabs.
 */
export function cookieJar(): { fetch: typeof fetch; cookies: Map<string, { value: string; path: string }> } {
  const cookies = new Map<string, { value: string; path: string }>();
  const jarFetch: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    const path = new URL(request.url).pathname;
    const sent = [...cookies].filter(([, cookie]) => path.startsWith(cookie.path));
    const headers = new Headers(request.headers);
    if (sent.length > 0) headers.set('cookie', sent.map(([name, cookie]) => `${name}=${cookie.value}`).join('; '));
    const response = await fetch(new Request(request, { headers }));
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';').map((part) => part.trim());
      const [name, value] = [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)];
      const attribute = (key: string): string | undefined =>
        attributes.find((entry) => entry.toLowerCase().startsWith(`${key}=`))?.slice(key.length + 1);
      const expires = attribute('expires');
      const gone = value === '' || attribute('max-age') === '0' || (expires && Date.parse(expires) < Date.now());
      if (gone) cookies.delete(name);
      else cookies.set(name, { value, path: attribute('path') ?? '/' });
    }
    return response;
  };
  return { fetch: jarFetch, cookies };
}

/** Counts the host's auth calls a fetch makes (refreshes above all). */
export function countingFetch(inner: typeof fetch = fetch): { fetch: typeof fetch; calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    fetch: async (input, init) => {
      const request = new Request(input, init);
      calls.push(`${request.method} ${new URL(request.url).pathname}`);
      return inner(request);
    },
  };
}

/**
 * Replaces the access token of login/refresh answers with one the host accepts but that lives `lifetimeSeconds`
 * (negative: already expired), same user and login, and says so in `expiresIn` unless `claimValidity` is set —
 * so a test sees expiry, 401s and 4402 closes without waiting 15 minutes. The refresh token is untouched.
 */
export function shortLivedTokens(
  inner: typeof fetch,
  options: { lifetimeSeconds: number; claimValidity?: number; only?: 'login' },
): typeof fetch {
  return async (input, init) => {
    const request = new Request(input, init);
    const path = new URL(request.url).pathname;
    const response = await inner(request);
    const rewrite = path === '/v1/auth/login' || (path === '/v1/auth/refresh' && options.only !== 'login');
    if (!rewrite || !response.ok) return response;
    const body = (await response.json()) as { accessToken: string; expiresIn: number };
    const { sub, sid } = decodeJwt(body.accessToken);
    const now = Math.floor(Date.now() / 1000);
    const accessToken = await new SignJWT({ sid })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(sub!)
      .setIssuer('campaign-manager')
      .setIssuedAt(Math.min(now, now + options.lifetimeSeconds - 1))
      .setExpirationTime(now + options.lifetimeSeconds)
      .sign(TEST_JWT_SECRET);
    const expiresIn = options.claimValidity ?? options.lifetimeSeconds;
    return new Response(JSON.stringify({ ...body, accessToken, expiresIn }), {
      status: response.status,
      headers: response.headers,
    });
  };
}
