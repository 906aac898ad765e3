import { Injectable, Logger } from '@nestjs/common';
import { DomainError } from '../common/domain-error.js';
import type { UserEntity } from '../users/user.entity.js';
import { UserTokensService } from '../users/user-tokens.service.js';
import { UsersService } from '../users/users.service.js';
import { ACCESS_TOKEN_TTL_SECONDS, AccessTokenService } from './access-token.service.js';
import { AccountMailService } from './account-mail.service.js';
import { PasswordService } from './password.service.js';
import { RefreshTokenService } from './refresh-token.service.js';

export { PASSWORD_RESET_TTL_MS, VERIFY_EMAIL_TTL_MS } from './account-mail.service.js';

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
 * logout, password reset and password change. Answers never reveal whether an address has an account, in
 * their content or their timing: what differs between the two cases runs after the answer (AccountMailService).
 */
@Injectable()
export class AuthService {
  private readonly logger = new Logger(AuthService.name);

  constructor(
    private readonly users: UsersService,
    private readonly userTokens: UserTokensService,
    private readonly passwords: PasswordService,
    private readonly accessTokens: AccessTokenService,
    private readonly refreshTokens: RefreshTokenService,
    private readonly accountMail: AccountMailService,
  ) {}

  /**
   * Creates an unverified account and mails a verification link; an existing address gets a notice instead.
   * Both paths hash, run the same statement and queue one mail, so they take the same time.
   */
  async register(input: { email: string; password: string; displayName: string }): Promise<void> {
    const passwordHash = await this.passwords.hash(input.password);
    const { user, created } = await this.users.register({ ...input, passwordHash });
    this.accountMail.registered(user, created);
  }

  async verifyEmail(token: string): Promise<void> {
    const userId = await this.userTokens.consume(token, 'verify_email');
    if (!userId) throw new DomainError('invalid_token', 'The verification link is invalid, used or expired');
    await this.users.update(userId, { emailVerified: true });
  }

  /** Mails a fresh verification link when the account exists and is unverified (after the answer). */
  resendVerification(email: string): void {
    this.accountMail.verificationRequested(email);
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

  /** Mails a reset link when the account exists (after the answer). */
  requestPasswordReset(email: string): void {
    this.accountMail.passwordResetRequested(email);
  }

  /**
   * Sets the new password, marks the address verified (the mailbox was proven), and ends every session and
   * every other outstanding reset link.
   */
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
    // Every other reset link dies with the one used.
    await this.userTokens.revokeAll(userId, 'reset_password');
    // And again after the write, for sessions opened with the old password in between.
    await this.refreshTokens.revokeAllForUser(userId);
    this.logger.log(`Password reset for user ${userId}; all sessions revoked`);
  }

  /** Changes the password after checking the current one; every other session and every reset link are revoked. */
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
    // A reset link mailed before the change must not undo it.
    await this.userTokens.revokeAll(userId, 'reset_password');
    await this.refreshTokens.revokeAllForUser(userId, sessionId);
  }

  private async sessionTokens(userId: string, familyId: string, refreshToken: string): Promise<SessionTokens> {
    const accessToken = await this.accessTokens.sign({ sub: userId, sid: familyId });
    return { accessToken, expiresIn: ACCESS_TOKEN_TTL_SECONDS, tokenType: 'Bearer', refreshToken };
  }
}
