import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationShutdown } from '@nestjs/common';
import { TaskQueue } from '../common/task-queue.js';
import type { ResolvedConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { MailService } from '../mail/mail.service.js';
import type { UserEntity } from '../users/user.entity.js';
import { UserTokensService } from '../users/user-tokens.service.js';
import { UsersService } from '../users/users.service.js';

export const VERIFY_EMAIL_TTL_MS = 24 * 60 * 60 * 1000;
export const PASSWORD_RESET_TTL_MS = 60 * 60 * 1000;

/**
 * The mails of register, verification resend and password-reset request, and the lookups that decide
 * whether to send them, run after the answer (a TaskQueue): whether an address has an account changes what
 * is done, and doing it on the request path made the answer measurably slower for known addresses.
 */
@Injectable()
export class AccountMailService implements BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger(AccountMailService.name);
  private readonly queue = new TaskQueue(this.logger);

  constructor(
    @Inject(APP_CONFIG) private readonly config: ResolvedConfig,
    private readonly users: UsersService,
    private readonly userTokens: UserTokensService,
    private readonly mail: MailService,
  ) {}

  /** After a registration: a verification link for a new account, a notice for an address that had one. */
  registered(user: UserEntity, created: boolean): void {
    if (created) this.queue.push('verification mail', () => this.sendVerification(user));
    else this.queue.push('existing-address notice', () => this.sendExistingAddressNotice(user));
  }

  /** A fresh verification link, if the address has an unverified account. */
  verificationRequested(email: string): void {
    this.queue.push('verification resend', async () => {
      const user = await this.users.findByEmail(email);
      if (user && !user.emailVerified) await this.sendVerification(user);
    });
  }

  /** A password-reset link, if the address has an account. */
  passwordResetRequested(email: string): void {
    this.queue.push('password-reset mail', async () => {
      const user = await this.users.findByEmail(email);
      if (user) await this.sendPasswordReset(user);
    });
  }

  /** Resolves once every queued mail is handled (tests wait on it; shutdown too). */
  idle(): Promise<void> {
    return this.queue.idle();
  }

  /** Before the database and SMTP connections close. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.queue.idle();
  }

  onApplicationShutdown(): void {
    if (this.queue.size > 0) this.logger.warn(`${this.queue.size} account mails were still queued at shutdown`);
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

  private async sendExistingAddressNotice(user: UserEntity): Promise<void> {
    await this.mail.sendQuietly({
      to: user.email,
      subject: 'Someone tried to register with your address',
      text: [
        'Someone (maybe you) tried to create a Campaign Manager account with this email address, which already has one.',
        `If it was you, log in instead or reset your password: ${this.link('/reset-password')}`,
        'If it was not you, you can ignore this message.',
      ].join('\n\n'),
    });
  }

  private async sendPasswordReset(user: UserEntity): Promise<void> {
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

  private link(path: string, token?: string): string {
    return `${this.config.publicUrl}${path}${token ? `?token=${encodeURIComponent(token)}` : ''}`;
  }
}
