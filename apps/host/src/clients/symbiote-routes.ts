import { createHash } from 'node:crypto';
import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { APP_CONFIG } from '../config/config.module.js';
import type { ResolvedConfig } from '../config/app-config.js';
import { SYMBIOTE_SOURCE_DIR } from './client-apps.js';
import { hostedManifest, installZip } from './symbiote-install.js';

/** Where the Symbiote's manifest template and icons are (a token so tests can point elsewhere). */
export const SYMBIOTE_SOURCE = Symbol('SYMBIOTE_SOURCE');
export const symbioteSourceProvider = { provide: SYMBIOTE_SOURCE, useValue: SYMBIOTE_SOURCE_DIR };

interface Document {
  body: Buffer;
  type: string;
  etag: string;
  disposition?: string;
}

/**
 * The hosted install: `/symbiote/manifest.json` (entry point on PUBLIC_URL) and `/symbiote/install.zip` (that
 * manifest and the icons, to unpack into TaleSpire's Symbiotes folder once), both made at boot; `/symbiote`
 * redirects to `/symbiote/` so the build's relative URLs resolve.
 */
@Injectable()
export class SymbioteRoutes implements OnModuleInit {
  private readonly logger = new Logger(SymbioteRoutes.name);

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(APP_CONFIG) private readonly config: Pick<ResolvedConfig, 'publicUrl'>,
    @Inject(SYMBIOTE_SOURCE) private readonly sourceDir: string,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    let manifest: Record<string, unknown>;
    let zip: Buffer;
    try {
      manifest = hostedManifest(this.sourceDir, this.config.publicUrl);
      zip = installZip(this.sourceDir, manifest);
    } catch (error) {
      this.logger.warn(`The Symbiote install is not served: ${(error as Error).message}`);
      return;
    }
    const manifestDoc = document(
      Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`),
      'application/json; charset=utf-8',
    );
    const zipDoc = {
      ...document(zip, 'application/zip'),
      disposition: 'attachment; filename="campaign-manager-symbiote.zip"',
    };
    fastify.get('/symbiote/manifest.json', (request, reply) => send(request, reply, manifestDoc));
    fastify.get('/symbiote/install.zip', (request, reply) => send(request, reply, zipDoc));
    fastify.get('/symbiote', (_request, reply) => reply.redirect('/symbiote/', 301));
    this.logger.log(`Symbiote install at ${this.config.publicUrl}/symbiote/install.zip`);
    if (/^https?:\/\/(localhost|127\.0\.0\.1)(:|\/|$)/.test(this.config.publicUrl))
      this.logger.warn(
        'PUBLIC_URL is a local address: the hosted Symbiote works on this machine only (set PUBLIC_URL)',
      );
  }
}

function document(body: Buffer, type: string): Document {
  return { body, type, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` };
}

function send(request: FastifyRequest, reply: FastifyReply, doc: Document): FastifyReply {
  void reply.header('Cache-Control', 'no-cache').header('ETag', doc.etag);
  if (doc.disposition) void reply.header('Content-Disposition', doc.disposition);
  if (request.headers['if-none-match'] === doc.etag) return reply.code(304).send();
  return reply.type(doc.type).send(doc.body);
}
