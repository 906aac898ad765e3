import { readFile } from 'node:fs/promises';
import type { Env } from '../config/app-config.js';
import { DomainError } from '../common/domain-error.js';
import { startHost } from '../host-runtime.js';
import { UsersService } from '../users/users.service.js';
import { CampaignImportService, type ImportReport } from './campaign-import.service.js';

const USAGE = 'Usage: npm run campaign:import -- <file.yaml> --dm <email> [--dry-run]';

/**
 * `npm run campaign:import -- <file> --dm <email> [--dry-run]`: imports a campaign file for an account, with the
 * host's own configuration (DATABASE_URL, PLUGINS_DIR, ...), through the same service as Discord's /campaign load.
 * Starts the host on a loopback port (the plugins run in their sandbox) and stops it when done. Returns the exit code.
 */
export async function runCampaignImport(args: string[], env: Env, out: (line: string) => void): Promise<number> {
  const dmIndex = args.indexOf('--dm');
  const email = dmIndex >= 0 ? args[dmIndex + 1] : undefined;
  const file = args.find((arg, index) => !arg.startsWith('--') && index !== dmIndex + 1);
  if (!file || !email) {
    out(USAGE);
    return 2;
  }
  const text = await readFile(file, 'utf8');
  const host = await startHost({
    ...env,
    PORT: '0',
    HOST: '127.0.0.1',
    PLUGINS_WATCH: 'false',
    LOG_LEVEL: env.LOG_LEVEL ?? 'warn',
  });
  try {
    const user = await host.app.get(UsersService).findByEmail(email);
    if (!user) {
      out(`No account has the email ${email}.`);
      return 1;
    }
    const report = await host.app
      .get(CampaignImportService)
      .import(user.id, text, { dryRun: args.includes('--dry-run') });
    for (const line of describe(report)) out(line);
    return 0;
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    out(error.message);
    for (const field of error.extras.errors ?? []) out(`  ${field.path}: ${field.message}`);
    return 1;
  } finally {
    await host.close();
  }
}

/** The report as lines: the campaign and each NPC with what happened to it. */
export function describe(report: ImportReport): string[] {
  const verb = (change: string): string =>
    report.dryRun
      ? { create: 'would create', update: 'would update', unchanged: 'unchanged' }[change]!
      : { create: 'created', update: 'updated', unchanged: 'unchanged' }[change]!;
  return [
    `${report.dryRun ? 'Dry run (nothing was changed): ' : ''}campaign "${report.name}" ${verb(report.campaign)}${report.campaign === 'create' && report.dryRun ? '' : ` (${report.groupId})`}`,
    ...report.npcs.map((npc) => `  NPC ${npc.key} "${npc.name}": ${verb(npc.change)}`),
  ];
}
