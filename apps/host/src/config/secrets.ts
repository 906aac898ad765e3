import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Secrets the host generates once and keeps under the data folder when none are configured. */
export interface GeneratedSecrets {
  jwtSecret: string;
  embeddedPostgresPassword: string;
}

/** Reads dataDir/secrets.json, creating it (mode 0600) with fresh random secrets on first use. */
export async function loadOrCreateSecrets(dataDir: string): Promise<GeneratedSecrets> {
  const file = join(dataDir, 'secrets.json');
  const existing: Partial<GeneratedSecrets> = await readFile(file, 'utf8').then(
    (text) => JSON.parse(text) as Partial<GeneratedSecrets>,
    () => ({}),
  );
  const secrets: GeneratedSecrets = {
    jwtSecret: existing.jwtSecret ?? randomBytes(48).toString('base64url'),
    embeddedPostgresPassword: existing.embeddedPostgresPassword ?? randomBytes(24).toString('base64url'),
  };
  if (
    secrets.jwtSecret !== existing.jwtSecret ||
    secrets.embeddedPostgresPassword !== existing.embeddedPostgresPassword
  ) {
    await mkdir(dataDir, { recursive: true });
    await writeFile(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  }
  return secrets;
}
