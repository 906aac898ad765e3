import { applyDecorators, Injectable, SetMetadata, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { ApiForbiddenResponse } from '@nestjs/swagger';
import { DomainError } from '../common/domain-error.js';
import { UsersService } from '../users/users.service.js';
import type { AuthenticatedRequest } from './current-user.decorator.js';

export const REQUIRE_VERIFIED_EMAIL = 'cm:require-verified-email';

/**
 * Marks a route (or controller) as needing a verified email address (creating or joining a group).
 * Usable in any module: the global AuthGuard sees the metadata and runs VerifiedEmailGuard after
 * authenticating, so the consuming module needs no providers of its own.
 */
export const RequireVerifiedEmail = (): MethodDecorator & ClassDecorator =>
  applyDecorators(
    SetMetadata(REQUIRE_VERIFIED_EMAIL, true),
    ApiForbiddenResponse({ description: 'Problem `email_not_verified`: the account has not verified its email yet' }),
  );

/** Loads the caller's `email_verified` from the database; 403 `email_not_verified` when false. */
@Injectable()
export class VerifiedEmailGuard implements CanActivate {
  constructor(private readonly users: UsersService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const user = context.switchToHttp().getRequest<AuthenticatedRequest>().user;
    if (!user) throw new DomainError('unauthenticated', 'Authentication is required');
    await this.assertVerified(user.id);
    return true;
  }

  async assertVerified(userId: string): Promise<void> {
    const verified = await this.users.isEmailVerified(userId);
    if (verified === undefined) throw new DomainError('unauthenticated', 'The account no longer exists');
    if (!verified) throw new DomainError('email_not_verified', 'Verify your email address first');
  }
}
