import { Inject, Injectable, Logger, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { ResolvedConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { DomainError, dependencyUnavailable } from '../common/domain-error.js';
import { KEY_VALUE_STORE, type KeyValueStore } from '../store/key-value-store.js';

/**
 * Limits the public routes that run plugin code (ruleset computations, feature trials) per client IP:
 * PLUGIN_RATE_LIMIT_MAX per PLUGIN_RATE_LIMIT_WINDOW_MS (default 300/min), a fixed-window counter
 * `rl:plugin:<ip>` in the shared store, so all instances share one budget. Over the limit: 429 + Retry-After.
 *
 * They stay public (the playground, a plugin author's dev loop and clients before sign-in use them; nothing is
 * stored), so this budget and the sandbox's limits are what bound them. Routes that run plugins for signed-in
 * users (characters, rolls, group features) are not counted here: they are authorized and stored.
 *
 * Fails closed (503) when the store is unreachable, like the auth limit: without it there is no shared budget.
 */
@Injectable()
export class PluginRateLimitGuard implements CanActivate {
  private readonly logger = new Logger(PluginRateLimitGuard.name);

  constructor(
    @Inject(KEY_VALUE_STORE) private readonly store: KeyValueStore,
    @Inject(APP_CONFIG) private readonly config: ResolvedConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const { max, windowMs } = this.config.pluginRateLimit;
    let hit: { count: number; resetInMs: number };
    try {
      hit = await this.store.hit(`rl:plugin:${request.ip}`, windowMs);
    } catch (error) {
      this.logger.warn(`Rate-limit store unavailable, refusing a plugin computation: ${(error as Error).message}`);
      throw dependencyUnavailable('The rate-limit store');
    }
    if (hit.count > max) {
      const retryAfterSeconds = Math.max(1, Math.ceil(hit.resetInMs / 1000));
      throw new DomainError('rate_limited', `Too many plugin computations, retry in ${retryAfterSeconds} s`, {
        retryAfterSeconds,
      });
    }
    return true;
  }
}
