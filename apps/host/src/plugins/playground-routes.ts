import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const FILES = { 'index.html': 'text/html; charset=utf-8', 'playground.js': 'text/javascript; charset=utf-8' } as const;

/** The playground's folder: beside this module (src, or dist after the build copies it), else back in src/. */
function playgroundDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, 'playground'), join(here, '..', '..', 'src', 'plugins', 'playground')];
  return candidates.find((dir) => existsSync(join(dir, 'index.html'))) ?? candidates[0];
}

/**
 * Serves the plugin playground (`/playground`, outside the `/v1` API): a static page that mounts any ruleset's
 * UI bundle against the live API and follows hot reloads. No build step; public like the catalog it reads.
 */
@Injectable()
export class PlaygroundRoutes implements OnModuleInit {
  private readonly logger = new Logger(PlaygroundRoutes.name);

  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    const dir = playgroundDir();
    if (!existsSync(join(dir, 'index.html'))) {
      this.logger.warn(`Playground files not found in ${dir}; /playground is not served`);
      return;
    }
    const files = new Map(
      Object.entries(FILES).map(([name, type]) => [name, { type, body: readFileSync(join(dir, name)) }]),
    );
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    const send =
      (name: keyof typeof FILES) =>
      (_request: unknown, reply: { header(k: string, v: string): typeof reply; send(b: Buffer): unknown }) => {
        const file = files.get(name)!;
        return reply.header('Content-Type', file.type).header('Cache-Control', 'no-cache').send(file.body);
      };
    fastify.get('/playground', send('index.html'));
    fastify.get('/playground/', send('index.html'));
    fastify.get('/playground/playground.js', send('playground.js'));
  }
}
