import { svelte } from '@sveltejs/vite-plugin-svelte';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const lib = (path: string): string => fileURLToPath(new URL(`../libs/${path}`, import.meta.url));

// TaleSpire's embedded Chromium 111 runs the Symbiote; relative URLs let one build work at /symbiote/ on the host
// and from a local Symbiotes folder. The manifest stays beside dist/ (scripts/symbiote-manifest.mjs writes it).
export default defineConfig({
  base: './',
  plugins: [
    svelte({ compilerOptions: { runes: true } }),
    {
      name: 'symbiote-manifest',
      generateBundle() {
        this.emitFile({
          type: 'asset',
          fileName: 'manifest.json',
          source: readFileSync(new URL('./manifest.json', import.meta.url)),
        });
      },
    },
    {
      // The host sends .br/.gz siblings as they are (no compression per request).
      name: 'precompress',
      writeBundle(options, bundle) {
        for (const name of Object.keys(bundle).filter((file) => /\.(js|css|html)$/.test(file))) {
          const path = join(options.dir!, name);
          const body = readFileSync(path);
          writeFileSync(`${path}.gz`, gzipSync(body, { level: 9 }));
          writeFileSync(`${path}.br`, brotliCompressSync(body));
        }
      },
    },
  ],
  resolve: {
    alias: [
      { find: /^@cm\/client\/svelte$/, replacement: lib('client/src/svelte/index.ts') },
      { find: /^@cm\/client$/, replacement: lib('client/src/index.ts') },
      { find: /^@cm\/contracts$/, replacement: lib('contracts/src/index.ts') },
      { find: /^@cm\/ruleset-sdk$/, replacement: lib('ruleset-sdk/src/index.ts') },
    ],
  },
  build: {
    target: 'chrome111',
    outDir: 'dist',
    emptyOutDir: true,
    rolldownOptions: { checks: { pluginTimings: false } },
  },
});
