import { Logger } from '@nestjs/common';
import { ConfigError } from './config/app-config.js';
import { startHost } from './host-runtime.js';

async function main(): Promise<void> {
  const host = await startHost(process.env);
  const logger = new Logger('Main');
  const url = host.config.publicUrl;
  logger.log(
    `Campaign Manager listening on ${url}: web app ${url}/, TaleSpire Symbiote ${url}/symbiote/ (install ${url}/symbiote/install.zip), API docs ${url}/v1/docs`,
  );
  let closing = false;
  const shutdown = (signal: string): void => {
    if (closing) return;
    closing = true;
    logger.log(`${signal} received: finishing in-flight requests and shutting down`);
    host.close().then(
      () => process.exit(0),
      (error: Error) => {
        logger.error(`Shutdown failed: ${error.message}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  // The logger may not exist yet: configuration errors are printed plainly so the operator sees every problem.
  process.stderr.write(`${error instanceof ConfigError ? error.message : String((error as Error)?.stack ?? error)}\n`);
  process.exit(1);
});
