import { Global, Logger, Module, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { join } from 'node:path';
import type { ResolvedConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { LocalStorageDriver } from './local-storage.driver.js';
import { S3StorageDriver } from './s3-storage.driver.js';
import type { StorageDriver } from './storage-driver.js';
import { DomainError } from '../common/domain-error.js';
import { StorageController, UploadBody } from './storage.controller.js';
import { STORAGE_DRIVER, StorageService } from './storage.service.js';

/** Creates the store named by the configuration: S3 when S3_BUCKET is set, `<dataDir>/uploads` otherwise. */
export function createStorageDriver(config: ResolvedConfig): StorageDriver {
  const logger = new Logger('StorageModule');
  if (config.s3) {
    logger.log(`Object storage: S3 bucket ${config.s3.bucket}${config.s3.endpoint ? ` at ${config.s3.endpoint}` : ''}`);
    return new S3StorageDriver(config.s3, config.publicUrl);
  }
  logger.log('Object storage: local disk (no S3_BUCKET); uploads go through host-signed URLs');
  return new LocalStorageDriver(join(config.dataDir, 'uploads'), config.publicUrl, config.jwtSecret);
}

const UPLOAD_PATH = '/v1/storage/uploads/';

@Global()
@Module({
  controllers: [StorageController],
  providers: [{ provide: STORAGE_DRIVER, inject: [APP_CONFIG], useFactory: createStorageDriver }, StorageService],
  exports: [StorageService],
})
export class StorageModule implements OnModuleInit, OnApplicationShutdown {
  constructor(
    private readonly storage: StorageService,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  /**
   * Upload bodies are images, which Fastify has no parser for: hand the raw request stream to the
   * upload route, which enforces the signed size limit itself while writing to disk. Every other
   * route refuses image bodies with 415, like any body that is not JSON.
   */
  onModuleInit(): void {
    if (!this.storage.localDriver) return;
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    if (!fastify.hasContentTypeParser('image/png')) {
      fastify.addContentTypeParser(/^image\/[a-z0-9.+-]+$/i, (request, payload, done) =>
        request.url.startsWith(UPLOAD_PATH)
          ? done(null, new UploadBody(payload))
          : done(
              new DomainError('unsupported_media_type', 'Only the upload route takes image bodies; send JSON'),
              undefined,
            ),
      );
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.storage.close();
  }
}
