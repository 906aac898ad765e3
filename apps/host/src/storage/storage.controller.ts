import { Controller, Get, HttpCode, Put, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Readable } from 'node:stream';
import { Public } from '../auth/public.decorator.js';
import { DomainError, notFound } from '../common/domain-error.js';
import type { LocalUploadQuery } from './local-storage.driver.js';
import { isValidStorageKey } from './storage-keys.js';
import { StorageService } from './storage.service.js';

/**
 * The host's object routes. Both are public: an upload's credential is its signature, and stored
 * objects (portraits) have unguessable keys and must load in plain `<img>` tags.
 */
@ApiExcludeController()
@Public()
@Controller('storage')
export class StorageController {
  constructor(private readonly storage: StorageService) {}

  /**
   * Target of the local driver's signed upload URLs (404 when S3 is the store). A refused upload
   * closes the connection, so a client still sending an oversized body is cut off after the answer.
   */
  @Put('uploads/*')
  @HttpCode(204)
  async upload(
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Query() query: LocalUploadQuery,
  ): Promise<void> {
    try {
      await this.receive(request, query);
    } catch (error) {
      void reply.header('Connection', 'close');
      throw error;
    }
  }

  private async receive(request: FastifyRequest, query: LocalUploadQuery): Promise<void> {
    const local = this.storage.localDriver;
    const key = keyOf(request, '/v1/storage/uploads/');
    if (!local) throw notFound('Upload target');
    if (!isValidStorageKey(key)) throw new DomainError('forbidden', 'The upload URL is invalid');
    const grant = local.verifyUpload(key, query);
    const contentType = (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (contentType !== grant.contentType) {
      throw new DomainError('forbidden', `The upload URL allows only Content-Type ${grant.contentType}`);
    }
    const declared = Number(request.headers['content-length']);
    if (Number.isFinite(declared) && declared > grant.maxBytes) {
      throw new DomainError('payload_too_large', `The upload exceeds the allowed ${grant.maxBytes} bytes`);
    }
    if (!(request.body instanceof UploadBody))
      throw new DomainError('forbidden', `The upload URL allows only Content-Type ${grant.contentType}`);
    await local.receive(key, grant, request.body.stream);
  }

  /** Serves a stored object (local driver) or redirects to a short-lived signed URL (S3). */
  @Get('objects/*')
  async read(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const key = keyOf(request, '/v1/storage/objects/');
    if (!isValidStorageKey(key)) throw notFound('Object');
    const delivery = await this.storage.open(key);
    if (!delivery) throw notFound('Object');
    if (delivery.kind === 'redirect') {
      await reply.header('Cache-Control', `private, max-age=${delivery.maxAgeSeconds}`).redirect(delivery.url, 302);
      return;
    }
    await reply
      .header('Content-Type', delivery.contentType)
      .header('Content-Length', String(delivery.size))
      .header('X-Content-Type-Options', 'nosniff')
      .header('Content-Security-Policy', "default-src 'none'")
      .header('Content-Disposition', 'inline')
      // Keys are random and never reused for other content.
      .header('Cache-Control', 'public, max-age=31536000, immutable')
      .send(delivery.stream);
  }
}

/**
 * An unparsed upload body. The stream sits in a private field so that nothing walking request
 * bodies generically (validation, the JSON depth check) wanders into the socket behind it.
 */
export class UploadBody {
  readonly #stream: Readable;

  constructor(stream: Readable) {
    this.#stream = stream;
  }

  get stream(): Readable {
    return this.#stream;
  }
}

/** The key after the route prefix, from the raw path (percent-encoded keys are never valid). */
function keyOf(request: FastifyRequest, prefix: string): string {
  const path = request.url.split('?')[0];
  return path.startsWith(prefix) ? path.slice(prefix.length) : '';
}
