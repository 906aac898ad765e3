import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A built browser client the host serves: where its files are and which paths render its shell. */
export interface ClientApp {
  /** Shown in logs. */
  name: string;
  /** The URL prefix it is served under (`/` or `/symbiote/`), with a trailing slash. */
  mount: string;
  /** The build folder (absolute). */
  dir: string;
  /** The file answered for the app's own routes (an SPA shell). */
  fallback: string;
  /**
   * Route patterns (Fastify syntax, relative to `mount`) the app renders in the browser: they get the
   * fallback file. Only the app's own paths: `/v1`, `/health`, `/symbiote` and `/playground` never do.
   */
  routes: readonly string[];
  /** The command that builds it, for the "not built" warning. */
  buildHint: string;
}

/** The repository root, from this module's place in `apps/host/src|dist/clients/`. */
const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');

/** The companion web app (SvelteKit, `web/`): every route of `web/src/routes`. */
export const WEB_APP: ClientApp = {
  name: 'web app',
  mount: '/',
  dir: join(REPO_ROOT, 'web', 'build'),
  fallback: 'index.html',
  routes: [
    '',
    'login',
    'register',
    'verify-email',
    'reset-password',
    'join/*',
    'link/discord/*',
    'groups',
    'groups/*',
    'characters',
    'characters/*',
    'me',
  ],
  buildHint: 'npm run build',
};

/** Every client the host serves. */
export const CLIENT_APPS: readonly ClientApp[] = [WEB_APP];
