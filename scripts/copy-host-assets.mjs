// Copies the host's non-TypeScript files that tsc does not emit (the plugin playground) into apps/host/dist.
import { cpSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
cpSync(join(root, 'apps/host/src/plugins/playground'), join(root, 'apps/host/dist/plugins/playground'), {
  recursive: true,
});
