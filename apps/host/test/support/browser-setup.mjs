// Jest global setup of the browser project (see services.mjs): services, then the built clients the browser
// tests drive (rebuilt only when their inputs changed, like `npm start`).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { setUpBrowserServices } from './services.mjs';

export default async function setUpBrowserProject() {
  await setUpBrowserServices();
  const script = fileURLToPath(new URL('../../../../scripts/build-clients.mjs', import.meta.url));
  const built = spawnSync(process.execPath, [script], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (built.status !== 0) {
    process.stderr.write('\n[test services] Building the clients failed (see above).\n');
    process.exit(1);
  }
}
