import 'reflect-metadata';
import cookie from '@fastify/cookie';
import { Logger as NestLogger, RequestMethod } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { LogController, type FastifyInstance } from 'fastify';
import type { Logger as Pino } from 'pino';
import { AppLogger, createPino } from './common/app-logger.js';
import {
  installClosingRefusal,
  installRefusedBodyDrain,
  installRouteTable,
  problemServerOptions,
} from './common/http-refusals.js';
import { installJsonBodyParser, installUrlParameterCheck } from './common/json-body.js';
import { installSecurityHeaders } from './common/security-headers.js';
import { s3BrowserOrigins } from './storage/s3-origins.js';
import { WsAdapter } from '@nestjs/platform-ws';
import { AppModule } from './app.module.js';
import { parseConfig, type Env, type ResolvedConfig } from './config/app-config.js';
import { loadOrCreateSecrets } from './config/secrets.js';
import { createValidationPipe } from './common/validation.js';
import { EmbeddedDatabase } from './database/embedded-postgres.js';
import { runMigrations } from './database/migrate.js';
import { buildOpenApiDocument, setUpOpenApi } from './openapi.js';
import type { OpenAPIObject } from '@nestjs/swagger';

/** A started host: its Nest application, its base URL and a graceful close. */
export interface RunningHost {
  app: NestFastifyApplication;
  config: ResolvedConfig;
  url: string;
  close(): Promise<void>;
}

/** Parses the environment, resolves embedded defaults, migrates, and starts listening. */
export async function startHost(env: Env): Promise<RunningHost> {
  const parsed = parseConfig(env);
  // Every line is JSON from the first one: the embedded PostgreSQL and the migrations log before the app exists.
  const pino = createPino(parsed);
  NestLogger.overrideLogger(new AppLogger(pino));
  const secrets = await loadOrCreateSecrets(parsed.dataDir);
  const embedded = parsed.databaseUrl
    ? undefined
    : new EmbeddedDatabase(parsed.dataDir, parsed.embeddedPostgresPort, secrets.embeddedPostgresPassword);
  try {
    const databaseUrl = parsed.databaseUrl ?? (await embedded!.start());
    const config: ResolvedConfig = {
      ...parsed,
      databaseUrl,
      jwtSecret: parsed.jwtSecret ?? secrets.jwtSecret,
      embeddedDatabase: embedded !== undefined,
    };
    await runMigrations(databaseUrl);
    const app = await createApp(config, { pino });
    const requests = countRequests(app.getHttpAdapter().getInstance());
    await app.listen({ port: config.port, host: config.host });
    const address = app.getHttpServer().address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    return {
      app,
      config,
      url: `http://127.0.0.1:${port}`,
      close: () => closeHost(app, embedded, config.shutdownGraceMs, requests),
    };
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
}

/**
 * The OpenAPI document of the host, built without a database or any service: Nest's preview mode reads the
 * route metadata without instantiating providers. `npm run openapi` writes it to libs/client/openapi.json.
 */
export async function describeApi(): Promise<OpenAPIObject> {
  const parsed = parseConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: 'postgres://offline.invalid/none',
    JWT_SECRET: 'offline-document-offline-document-0000',
    PLUGINS_WATCH: 'false',
  });
  const config: ResolvedConfig = {
    ...parsed,
    databaseUrl: parsed.databaseUrl!,
    jwtSecret: parsed.jwtSecret!,
    embeddedDatabase: false,
  };
  const app = await createApp(config, { preview: true });
  try {
    return buildOpenApiDocument(app);
  } finally {
    await app.close();
  }
}

async function createApp(
  config: ResolvedConfig,
  options: { preview?: boolean; pino?: Pino } = {},
): Promise<NestFastifyApplication> {
  const logger = options.pino ?? createPino(config);
  const adapter = new FastifyAdapter({
    bodyLimit: config.bodyLimitBytes,
    trustProxy: config.trustProxy,
    // installClosingRefusal answers requests during shutdown with a 503 problem instead.
    return503OnClosing: false,
    ...problemServerOptions(),
    loggerInstance: logger,
    logController: new LogController({ disableRequestLogging: config.nodeEnv === 'test' }),
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), adapter, {
    logger: options.preview ? false : new AppLogger(logger),
    // installJsonBodyParser is the only body parser (it keeps `request.rawBody`).
    bodyParser: false,
    preview: options.preview ?? false,
  });
  app.useWebSocketAdapter(new WsAdapter(app));
  installRequestIntake(app.getHttpAdapter().getInstance());
  installSecurityHeaders(app.getHttpAdapter().getInstance(), s3BrowserOrigins(config.s3));
  await app.register(cookie);
  app.enableCors({ origin: config.corsOrigins.length > 0 ? config.corsOrigins : false, credentials: true });
  app.setGlobalPrefix('v1', {
    exclude: [
      { path: 'health/live', method: RequestMethod.GET },
      { path: 'health/ready', method: RequestMethod.GET },
    ],
  });
  app.useGlobalPipes(createValidationPipe());
  setUpOpenApi(app);
  return app;
}

/** What every request passes through before a controller: issue 13's one rule per class of bad input. */
function installRequestIntake(fastify: FastifyInstance): void {
  installJsonBodyParser(fastify);
  installUrlParameterCheck(fastify);
  installRefusedBodyDrain(fastify);
  installClosingRefusal(fastify);
  installRouteTable(fastify);
}

/**
 * Ordered shutdown: stop accepting connections, let in-flight requests finish, run every module's shutdown hook
 * (realtime sockets, plugin sandbox, database pool), then stop the embedded PostgreSQL last.
 */
async function closeHost(
  app: NestFastifyApplication,
  embedded: EmbeddedDatabase | undefined,
  graceMs: number,
  requests: { inFlight: number },
): Promise<void> {
  const logger = new NestLogger('Shutdown');
  const started = Date.now();
  const forced = setTimeout(() => {
    const what =
      requests.inFlight > 0
        ? `${requests.inFlight} in-flight request(s) did not finish`
        : 'no request was in flight, but a shutdown step did not finish';
    logger.error(`${what} within ${graceMs} ms; exiting`);
    process.exit(1);
  }, graceMs + 5000).unref();
  try {
    await app.close();
  } finally {
    await embedded?.stop();
    clearTimeout(forced);
  }
  logger.log(`Shut down in ${Date.now() - started} ms`);
}

/** Counts requests between arrival and response, so that a stuck shutdown can say whether they are the cause. */
function countRequests(fastify: FastifyInstance): { inFlight: number } {
  const requests = { inFlight: 0 };
  fastify.addHook('onRequest', async () => {
    requests.inFlight += 1;
  });
  fastify.addHook('onResponse', async () => {
    requests.inFlight -= 1;
  });
  return requests;
}
