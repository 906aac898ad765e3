import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { MailModule } from '../mail/mail.module.js';
import { UsersModule } from '../users/users.module.js';
import { AccessTokenService } from './access-token.service.js';
import { AccountMailService } from './account-mail.service.js';
import { AuthRateLimitGuard } from './auth-rate-limit.guard.js';
import { AuthController } from './auth.controller.js';
import { AuthGuard } from './auth.guard.js';
import { AuthService } from './auth.service.js';
import { MeController } from './me.controller.js';
import { PasswordService } from './password.service.js';
import { RefreshTokenService } from './refresh-token.service.js';
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
  imports: [UsersModule, MailModule],
  controllers: [AuthController, MeController],
  providers: [
    AccessTokenService,
    PasswordService,
    RefreshTokenService,
    AuthService,
    AccountMailService,
    AuthRateLimitGuard,
    VerifiedEmailGuard,
    AuthGuard,
    { provide: APP_GUARD, useExisting: AuthGuard },
  ],
  exports: [AccessTokenService, VerifiedEmailGuard],
})
export class AuthModule {}
