import { Global, Module, type DynamicModule } from '@nestjs/common';
import type { ResolvedConfig } from './app-config.js';

/** Injection token of the ResolvedConfig. */
export const APP_CONFIG = Symbol('APP_CONFIG');

/** Provides the already-parsed configuration to every module. */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: ResolvedConfig): DynamicModule {
    return { module: ConfigModule, providers: [{ provide: APP_CONFIG, useValue: config }], exports: [APP_CONFIG] };
  }
}
