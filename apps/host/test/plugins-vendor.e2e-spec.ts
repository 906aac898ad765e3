import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestDatabase } from './support/database.js';
import { createHttp, type Http } from './support/http.js';
import { createTempPluginsDir, manifestEdit, pollUntil, type TempPluginsDir } from './support/plugins.js';
import { startTestHost, type TestHost } from './support/test-host.js';

const IMPORTS = /(?:from|import)\s*\(?\s*"([^"]+)"/g;

/**
 * The shared vendor carries only the Svelte runtime the served UIs use. A plugin that needs more makes the host
 * rebuild it and re-point every served UI at the new build, so one page still loads one Svelte.
 */
describe('the shared vendor grows with the plugin UIs', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let plugins: TempPluginsDir;
  let host: TestHost;
  let http: Http;

  beforeAll(async () => {
    database = await createTestDatabase();
    plugins = await createTempPluginsDir();
    await plugins.add('basic');
    host = await startTestHost({ DATABASE_URL: database.url, PLUGINS_DIR: plugins.dir, PLUGINS_WATCH: 'true' });
    http = createHttp(host.url);
  });

  afterAll(async () => {
    await host?.stop();
    await plugins?.remove();
    await database?.drop();
  });

  /** Every module URL a UI module loads, transitively; each must be served. */
  async function moduleGraph(url: string, seen = new Set<string>()): Promise<Set<string>> {
    if (seen.has(url)) return seen;
    seen.add(url);
    const response = await fetch(`${host.url}${url}`);
    expect(response.status).toBe(200);
    for (const [, specifier] of (await response.text()).matchAll(IMPORTS)) {
      expect(specifier).toMatch(/^(\/|\.\/)/); // no bare specifier is left for the browser to resolve
      await moduleGraph(new URL(specifier, `http://host${url}`).pathname, seen);
    }
    return seen;
  }

  it('rebuilds the vendor for a UI that needs more of the runtime and re-points the UIs already served', async () => {
    const before = (await http('GET', '/v1/rulesets/basic')).body.ui.url as string;
    const vendorBefore = [...(await moduleGraph(before))].find((url) => /vendor-svelte\./.test(url));
    expect(vendorBefore).toBeDefined();

    await plugins.add('basic', 'faded', {
      'plugin.json': manifestEdit((m) => ((m.id = 'faded'), (m.name = 'Faded'))),
      'src/ui/Sheet.svelte': (text) =>
        text
          .replace('<script lang="ts">', '<script lang="ts">\n  import { fade } from \'svelte/transition\';')
          .replace('<h3 class="title"', '<h3 transition:fade class="title"'),
    });
    const { value: faded } = await pollUntil(
      async () => (await http('GET', '/v1/rulesets/faded')).body?.ui?.url as string | undefined,
      5000,
    );
    expect(faded).toBeDefined();

    const { value: after } = await pollUntil(async () => {
      const url = (await http('GET', '/v1/rulesets/basic')).body.ui.url as string;
      return url !== before ? url : undefined;
    }, 5000);
    expect(after).toBeDefined();
    const basicGraph = await moduleGraph(after!);
    const fadedGraph = await moduleGraph(faded!);
    const vendorOf = (graph: Set<string>) => [...graph].filter((url) => /vendor-svelte\./.test(url));
    expect(vendorOf(basicGraph)).toEqual(vendorOf(fadedGraph));
    expect(vendorOf(basicGraph)).not.toContain(vendorBefore);
    // The page that still shows the old bundle keeps working: the previous vendor stays served.
    expect((await fetch(`${host.url}${vendorBefore}`)).status).toBe(200);
  });
});
