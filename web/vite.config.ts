import adapter from '@sveltejs/adapter-static';
import { sveltekit } from '@sveltejs/kit/vite';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const lib = (path: string): string => fileURLToPath(new URL(`../libs/${path}`, import.meta.url));
/** The host `npm run dev` proxies to (the API, its WebSocket and the plugin bundles). */
const hostUrl = process.env.CM_HOST_URL ?? 'http://127.0.0.1:3000';

export default defineConfig({
  plugins: [
    sveltekit({
      // A static single-page app: every route renders in the browser; the host serves index.html for them.
      adapter: adapter({ pages: 'build', fallback: 'index.html', precompress: true }),
      compilerOptions: { runes: true },
      version: { pollInterval: 0 },
    }),
  ],
  resolve: {
    // The shared libraries are compiled from source by Vite (no separate build step before the app).
    alias: [
      { find: /^@cm\/client\/svelte$/, replacement: lib('client/src/svelte/index.ts') },
      { find: /^@cm\/client$/, replacement: lib('client/src/index.ts') },
      { find: /^@cm\/contracts$/, replacement: lib('contracts/src/index.ts') },
      { find: /^@cm\/ruleset-sdk$/, replacement: lib('ruleset-sdk/src/index.ts') },
    ],
  },
  // Plugin timing notes are for plugin authors, not for every `npm start`.
  build: { target: 'es2022', rolldownOptions: { checks: { pluginTimings: false } } },
  server: {
    port: 5173,
    proxy: {
      '/v1': { target: hostUrl, ws: true, changeOrigin: false },
      '/health': hostUrl,
    },
  },
});
