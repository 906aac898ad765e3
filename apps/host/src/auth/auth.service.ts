import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ResolvedConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { DomainError } from '../common/domain-error.js';
import { MailService } from '../mail/mail.service.js';
import type { UserEntity } from '../users/user.entity.js';
import { UserTokensService } from '../users/user-tokens.service.js';
import { UsersService } from '../users/users.service.js';
import { ACCESS_TOKEN_TTL_SECONDS, AccessTokenService } from './access-token.service.js';
import { PasswordService } from './password.service.js';
import { RefreshTokenService } from './refresh-token.service.js';

export const VERIFY_EMAIL_TTL_MS = 24 * 60 * 60 * 1000;
export const PASSWORD_RESET_TTL_MS = 60 * 60 * 1000;

/** Access + refresh token pair for one session. */
export interface SessionTokens {
  accessToken: string;
  expiresIn: number;
  tokenType: 'Bearer';
  refreshToken: string;
}

const INVALID_CREDENTIALS = 'The email address or password is wrong';

/**
 * Accounts and sessions: registration with email verification, login, refresh-token rotation,
 * logout, password reset and password change. Answers never reveal whether an address has an account.
 */
@Injectable()
export class AuthService {
  private readonly logger = new Logger(AuthService.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: ResolvedConfig,
    private readonly users: UsersService,
    private readonly userTokens: UserTokensService,
    private readonly passwords: PasswordService,
    private readonly accessTokens: AccessTokenService,
    private readonly refreshTokens: RefreshTokenService,
    private readonly mail: MailService,
  ) {}

  /** Creates an unverified account and mails a verification link; an existing address gets a warning mail instead. */
  async register(input: { email: string; password: string; displayName: string }): Promise<void> {
    // Hash first on both paths, so an existing address does not answer measurably faster.
    const passwordHash = await this.passwords.hash(input.password);
    const existing = await this.users.findByEmail(input.email);
    const created = existing ? null : await this.users.create({ ...input, passwordHash });
    if (!created) {
      await this.mail.sendQuietly({
        to: existing?.email ?? input.email,
        subject: 'Someone tried to register with your address',
        text: [
          'Someone (maybe you) tried to create a Campaign Manager account with this email address, which already has one.',
          `If it was you, log in instead or reset your password: ${this.link('/reset-password')}`,
          'If it was not you, you can ignore this message.',
        ].join('\n\n'),
      });
      return;
    }
    await this.sendVerification(created);
  }

  async verifyEmail(token: string): Promise<void> {
    const userId = await this.userTokens.consume(token, 'verify_email');
    if (!userId) throw new DomainError('invalid_token', 'The verification link is invalid, used or expired');
    await this.users.update(userId, { emailVerified: true });
  }

  /** Mails a fresh verification link when the account exists and is unverified; silent otherwise. */
  async resendVerification(email: string): Promise<void> {
    const user = await this.users.findByEmail(email);
    if (user && !user.emailVerified) await this.sendVerification(user);
  }

  /** Unknown address and wrong password answer identically and take comparable time (dummy hash). */
  async login(email: string, password: string): Promise<{ user: UserEntity; tokens: SessionTokens }> {
    const user = await this.users.findByEmail(email);
    const valid = await this.passwords.verify(user?.passwordHash, password);
    if (!user || !valid) throw new DomainError('unauthenticated', INVALID_CREDENTIALS);
    const refresh = await this.refreshTokens.startFamily(user.id);
    return { user, tokens: await this.sessionTokens(user.id, refresh.familyId, refresh.token) };
  }

  async refresh(refreshToken: string | undefined): Promise<SessionTokens> {
    if (!refreshToken) throw new DomainError('unauthenticated', 'A refresh token is required (body or cm_rt cookie)');
    const next = await this.refreshTokens.rotate(refreshToken);
    return this.sessionTokens(next.userId, next.familyId, next.token);
  }

  async logout(refreshToken: string | undefined): Promise<void> {
    if (refreshToken) await this.refreshTokens.revokeByToken(refreshToken);
  }

  async requestPasswordReset(email: string): Promise<void> {
    const user = await this.users.findByEmail(email);
    if (!user) return;
    const token = await this.userTokens.issue(user.id, 'reset_password', PASSWORD_RESET_TTL_MS);
    await this.mail.sendQuietly({
      to: user.email,
      subject: 'Reset your Campaign Manager password',
      text: [
        `Hello ${user.displayName},`,
        `Open this link within one hour to choose a new password: ${this.link('/reset-password', token)}`,
        'If you did not ask for this, you can ignore this message; your password stays unchanged.',
      ].join('\n\n'),
    });
  }

  /** Sets the new password, marks the address verified (the mailbox was proven) and ends every session. */
  async confirmPasswordReset(token: string, password: string): Promise<void> {
    const passwordHash = await this.passwords.hash(password);
    const invalid = () => new DomainError('invalid_token', 'The reset link is invalid, used or expired');
    const owner = await this.userTokens.peek(token, 'reset_password');
    if (!owner) throw invalid();
    // Revoke before spending the token: if the session store is down, this fails (503) with nothing changed.
    await this.refreshTokens.revokeAllForUser(owner);
    const userId = await this.userTokens.consume(token, 'reset_password');
    if (userId !== owner) throw invalid();
    await this.users.update(userId, { passwordHash, emailVerified: true });
    // And again after the write, for sessions opened with the old password in between.
    await this.refreshTokens.revokeAllForUser(userId);
    this.logger.log(`Password reset for user ${userId}; all sessions revoked`);
  }

  /** Changes the password after checking the current one; every other session is revoked. */
  async changePassword(userId: string, sessionId: string, currentPassword: string, newPassword: string): Promise<void> {
    const user = await this.users.getById(userId);
    if (!(await this.passwords.verify(user.passwordHash, currentPassword))) {
      throw new DomainError('wrong_password', 'The current password is wrong');
    }
    const passwordHash = await this.passwords.hash(newPassword);
    // Revoke first (a store outage then fails with nothing changed), write, and revoke again for
    // any session opened with the old password in between.
    await this.refreshTokens.revokeAllForUser(userId, sessionId);
    await this.users.update(userId, { passwordHash });
    await this.refreshTokens.revokeAllForUser(userId, sessionId);
  }

  private async sessionTokens(userId: string, familyId: string, refreshToken: string): Promise<SessionTokens> {
    const accessToken = await this.accessTokens.sign({ sub: userId, sid: familyId });
    return { accessToken, expiresIn: ACCESS_TOKEN_TTL_SECONDS, tokenType: 'Bearer', refreshToken };
  }

  private async sendVerification(user: UserEntity): Promise<void> {
    const token = await this.userTokens.issue(user.id, 'verify_email', VERIFY_EMAIL_TTL_MS);
    await this.mail.sendQuietly({
      to: user.email,
      subject: 'Confirm your Campaign Manager email address',
      text: [
        `Hello ${user.displayName},`,
        `Open this link within 24 hours to confirm your email address: ${this.link('/verify-email', token)}`,
        'If you did not create an account, you can ignore this message.',
      ].join('\n\n'),
    });
  }

  private link(path: string, token?: string): string {
    return `${this.config.publicUrl}${path}${token ? `?token=${encodeURIComponent(token)}` : ''}`;
  }
}
