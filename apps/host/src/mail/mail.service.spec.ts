import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Logger } from '@nestjs/common';
import type { ResolvedConfig } from '../config/app-config.js';
import { SmtpReceiver } from '../../test/support/smtp-receiver.js';
import { MailService } from './mail.service.js';

const MAIL_FROM = 'Campaign Manager <no-reply@example.test>';
const config = (dataDir: string, smtpUrl?: string) => ({ dataDir, smtpUrl, mailFrom: MAIL_FROM }) as ResolvedConfig;

describe(MailService.name, () => {
  let dataDir: string;
  const logged: string[] = [];
  const originalLog = Logger.prototype.log;
  const originalError = Logger.prototype.error;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'cm-mail-'));
    Logger.prototype.log = function (message: unknown) {
      logged.push(String(message));
    };
    Logger.prototype.error = function (message: unknown) {
      logged.push(`ERROR ${String(message)}`);
    };
  });

  afterAll(async () => {
    Logger.prototype.log = originalLog;
    Logger.prototype.error = originalError;
    await rm(dataDir, { recursive: true, force: true });
  });

  it('without SMTP_URL logs the message with its link and writes it to <dataDir>/mail', async () => {
    const mail = new MailService(config(dataDir));
    await mail.send({
      to: 'ada@example.com',
      subject: 'Hello',
      text: 'Open http://localhost:3000/verify-email?token=abc',
    });
    const files = await readdir(join(dataDir, 'mail'));
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^\d{4}-\d{2}-\d{2}T.*-[0-9a-f]{8}\.eml$/);
    const eml = await readFile(join(dataDir, 'mail', files[0]), 'utf8');
    expect(eml).toContain('To: ada@example.com');
    expect(eml).toContain(`From: ${MAIL_FROM}`);
    expect(eml).toContain('verify-email?token=abc');
    expect(logged.some((line) => line.includes('verify-email?token=abc') && line.includes('ada@example.com'))).toBe(
      true,
    );
  });

  it('with SMTP_URL delivers over SMTP', async () => {
    const receiver = new SmtpReceiver();
    const mail = new MailService(config(dataDir, await receiver.start()));
    try {
      await mail.send({
        to: 'grace@example.com',
        subject: 'Over SMTP',
        text: 'The link: http://x.test/reset-password?token=xyz',
      });
      expect(receiver.to('grace@example.com')).toHaveLength(1);
      expect(receiver.to('grace@example.com')[0].raw).toContain('Subject: Over SMTP');
      expect(await receiver.waitFor('grace@example.com', /reset-password\?token=(\w+)/)).toBe('xyz');
    } finally {
      mail.onApplicationShutdown();
      await receiver.stop();
    }
  });

  it('sendQuietly logs a failed delivery and reports it instead of throwing', async () => {
    const mail = new MailService(config(dataDir, 'smtp://127.0.0.1:1'));
    await expect(mail.send({ to: 'x@example.com', subject: 'Lost', text: 'x' })).rejects.toThrow();
    await expect(mail.sendQuietly({ to: 'x@example.com', subject: 'Lost', text: 'x' })).resolves.toBe(false);
    expect(
      logged.some((line) => line.startsWith('ERROR') && line.includes('Lost') && line.includes('x@example.com')),
    ).toBe(true);
    mail.onApplicationShutdown();
  });
});
