import { Inject, Injectable, Logger, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { ResolvedConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { DomainError, dependencyUnavailable } from '../common/domain-error.js';
import { KEY_VALUE_STORE, type KeyValueStore } from '../store/key-value-store.js';

/**
 * Limits every `/v1/auth/*` request per client IP (AUTH_RATE_LIMIT_MAX per AUTH_RATE_LIMIT_WINDOW_MS,
 * default 10/min) with a fixed-window counter `rl:auth:<ip>` in the shared store, so all instances
 * share one budget. Over the limit: 429 with Retry-After.
 *
 * When the store (Redis) is unreachable this FAILS CLOSED with 503: auth cannot work without the
 * session store anyway (refresh tokens live there), and failing open would remove the brute-force
 * protection exactly when an attacker might be overloading Redis.
 */
@Injectable()
export class AuthRateLimitGuard implements CanActivate {
  private readonly logger = new Logger(AuthRateLimitGuard.name);

  constructor(
    @Inject(KEY_VALUE_STORE) private readonly store: KeyValueStore,
    @Inject(APP_CONFIG) private readonly config: ResolvedConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const { max, windowMs } = this.config.authRateLimit;
    let hit: { count: number; resetInMs: number };
    try {
      hit = await this.store.hit(`rl:auth:${request.ip}`, windowMs);
    } catch (error) {
      this.logger.warn(`Rate-limit store unavailable, refusing auth request: ${(error as Error).message}`);
      throw dependencyUnavailable('The session store');
    }
    if (hit.count > max) {
      const retryAfterSeconds = Math.max(1, Math.ceil(hit.resetInMs / 1000));
      throw new DomainError('rate_limited', `Too many authentication requests, retry in ${retryAfterSeconds} s`, {
        retryAfterSeconds,
      });
    }
    return true;
  }
}
