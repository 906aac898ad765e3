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
  /** Build files another module answers (e.g. the Symbiote's manifest, made from PUBLIC_URL). */
  exclude?: readonly string[];
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

/** The TaleSpire Symbiote (`symbiote/`): one shell at `/symbiote/`; its manifest is made per host (SymbioteRoutes). */
export const SYMBIOTE_APP: ClientApp = {
  name: 'Symbiote',
  mount: '/symbiote/',
  dir: join(REPO_ROOT, 'symbiote', 'dist'),
  fallback: 'index.html',
  routes: [''],
  buildHint: 'npm run build',
  exclude: ['/manifest.json'],
};

/** The Symbiote's sources the host reads at boot: the manifest template and the icons. */
export const SYMBIOTE_SOURCE_DIR = join(REPO_ROOT, 'symbiote');

/** Every client the host serves. */
export const CLIENT_APPS: readonly ClientApp[] = [WEB_APP, SYMBIOTE_APP];
