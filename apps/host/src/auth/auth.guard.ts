import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { DomainError } from '../common/domain-error.js';
import { AccessTokenService } from './access-token.service.js';
import type { AuthenticatedRequest } from './current-user.decorator.js';
import { IS_PUBLIC } from './public.decorator.js';
import { REQUIRE_VERIFIED_EMAIL, VerifiedEmailGuard } from './verified-email.guard.js';

interface HttpRequest extends AuthenticatedRequest {
  headers: Record<string, string | string[] | undefined>;
}

/**
 * The global guard: every route needs `Authorization: Bearer <access token>` unless marked
 * `@Public()`. It verifies the JWT only (no database on this hot path) and sets `request.user`.
 * Routes marked `@RequireVerifiedEmail()` additionally run VerifiedEmailGuard (one DB read).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: AccessTokenService,
    private readonly verifiedEmail: VerifiedEmailGuard,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const request = context.switchToHttp().getRequest<HttpRequest>();
    const claims = await this.tokens.verify(bearerToken(request));
    request.user = { id: claims.sub, sessionId: claims.sid };
    if (this.reflector.getAllAndOverride<boolean>(REQUIRE_VERIFIED_EMAIL, targets)) {
      await this.verifiedEmail.assertVerified(claims.sub);
    }
    return true;
  }
}

function bearerToken(request: HttpRequest): string {
  const header = request.headers.authorization;
  const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header.trim()) : null;
  if (!match) throw new DomainError('unauthenticated', 'An access token is required (Authorization: Bearer <token>)');
  return match[1];
}
