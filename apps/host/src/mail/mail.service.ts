import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import nodemailer, { type Transporter } from 'nodemailer';
import type { ResolvedConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';

/** A plain-text message. */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

/**
 * Sends mail over SMTP when SMTP_URL is set. Without it (the embedded default) every message is
 * logged, links included, and written to `<dataDir>/mail/` so `npm start` users can follow them.
 */
@Injectable()
export class MailService implements OnApplicationShutdown {
  private readonly logger = new Logger(MailService.name);
  private readonly transport: Transporter | undefined;

  constructor(@Inject(APP_CONFIG) private readonly config: ResolvedConfig) {
    this.transport = config.smtpUrl ? nodemailer.createTransport(config.smtpUrl) : undefined;
  }

  async send(message: MailMessage): Promise<void> {
    if (this.transport) {
      await this.transport.sendMail({
        from: this.config.mailFrom,
        to: message.to,
        subject: message.subject,
        text: message.text,
      });
      return;
    }
    const file = await this.writeToDisk(message);
    this.logger.log(`Mail to ${message.to} (no SMTP_URL; saved to ${file}): ${message.subject}\n${message.text}`);
  }

  /** Sends without throwing: failures are logged, never shown to the caller (no account enumeration). */
  async sendQuietly(message: MailMessage): Promise<boolean> {
    try {
      await this.send(message);
      return true;
    } catch (error) {
      this.logger.error(`Could not send "${message.subject}" to ${message.to}: ${(error as Error).message}`);
      return false;
    }
  }

  onApplicationShutdown(): void {
    this.transport?.close();
  }

  private async writeToDisk(message: MailMessage): Promise<string> {
    const folder = join(this.config.dataDir, 'mail');
    await mkdir(folder, { recursive: true });
    const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomBytes(4).toString('hex')}.eml`;
    const file = join(folder, name);
    const eml = [
      `From: ${this.config.mailFrom}`,
      `To: ${message.to}`,
      `Subject: ${message.subject}`,
      `Date: ${new Date().toUTCString()}`,
      'Content-Type: text/plain; charset=utf-8',
      '',
      message.text,
    ].join('\r\n');
    await writeFile(file, eml, { encoding: 'utf8', mode: 0o600 });
    return file;
  }
}
