/** Routes anyone may open; every other route waits for the silent refresh and sends visitors to log in. */
const PUBLIC_ROUTES = new Set([
  '/login',
  '/register',
  '/verify-email',
  '/reset-password',
  '/join/[groupId]/[token]',
  '/link/discord/[token]',
]);

export function isPublicRoute(routeId: string | null): boolean {
  return routeId !== null && PUBLIC_ROUTES.has(routeId);
}

/** The login page, coming back to `next` afterwards. */
export function loginUrl(next: string, page: 'login' | 'register' = 'login'): string {
  return next && next !== '/' ? `/${page}?next=${encodeURIComponent(next)}` : `/${page}`;
}

/** A same-origin path to go back to after login (never another site). */
export function safeNext(value: string | null): string {
  return value && value.startsWith('/') && !value.startsWith('//') ? value : '/groups';
}
