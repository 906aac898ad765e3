import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { UsersModule } from '../users/users.module.js';
import { AccessTokenService } from './access-token.service.js';
import { AuthGuard } from './auth.guard.js';
import { VerifiedEmailGuard } from './verified-email.guard.js';

export { AuthGuard } from './auth.guard.js';
export { AccessTokenService } from './access-token.service.js';
export { CurrentUser, type AuthUser } from './current-user.decorator.js';
export { Public } from './public.decorator.js';
export { RequireVerifiedEmail, VerifiedEmailGuard } from './verified-email.guard.js';

/**
 * Authentication. Provides AuthGuard globally (every route needs a bearer access token unless
 * `@Public()`); `@CurrentUser()` and `@RequireVerifiedEmail()` work in any module's controllers.
 */
@Module({
  imports: [UsersModule],
  providers: [AccessTokenService, VerifiedEmailGuard, AuthGuard, { provide: APP_GUARD, useExisting: AuthGuard }],
  exports: [AccessTokenService, VerifiedEmailGuard],
})
export class AuthModule {}
