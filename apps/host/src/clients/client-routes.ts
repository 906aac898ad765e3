import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { CLIENT_APPS, type ClientApp } from './client-apps.js';
import { loadStaticFiles, negotiate, type StaticFile } from './static-files.js';

/** The client apps to serve (a token so tests can serve a build folder of their own). */
export const CLIENT_APPS_TOKEN = Symbol('CLIENT_APPS');
export const clientAppsProvider = { provide: CLIENT_APPS_TOKEN, useValue: CLIENT_APPS };

/**
 * Serves the built clients outside the API: their files (hashed assets immutable, the rest revalidated with an
 * ETag, brotli/gzip precompressed at build time) and their SPA shell for the app's own routes. An app that is
 * not built is skipped with a warning naming the command that builds it.
 */
@Injectable()
export class ClientRoutes implements OnModuleInit {
  private readonly logger = new Logger(ClientRoutes.name);

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(CLIENT_APPS_TOKEN) private readonly apps: readonly ClientApp[],
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    for (const app of this.apps) this.serve(fastify, app);
  }

  private serve(fastify: FastifyInstance, app: ClientApp): void {
    const files = loadStaticFiles(app.dir, ['/_app/immutable/', '/assets/']);
    const shell = files.get(`/${app.fallback}`);
    if (!shell) {
      this.logger.warn(`The ${app.name} is not built (no ${app.dir}/${app.fallback}): run ${app.buildHint}`);
      return;
    }
    const base = app.mount.replace(/\/$/, '');
    for (const [path, file] of files) {
      if (path === `/${app.fallback}` || app.exclude?.includes(path)) continue;
      fastify.get(`${base}${path}`, (request, reply) => send(request, reply, file));
    }
    for (const route of app.routes) {
      fastify.get(`${base}/${route}`, (request, reply) => send(request, reply, shell));
    }
    this.logger.log(`Serving the ${app.name} at ${app.mount} (${files.size} files)`);
  }
}

function send(request: FastifyRequest, reply: FastifyReply, file: StaticFile): FastifyReply {
  void reply.header('Cache-Control', file.cacheControl).header('ETag', file.etag).header('Vary', 'Accept-Encoding');
  if (request.headers['if-none-match'] === file.etag) return reply.code(304).send();
  const { body, encoding } = negotiate(file, request.headers['accept-encoding']);
  if (encoding) void reply.header('Content-Encoding', encoding);
  return reply.type(file.contentType).send(body);
}
