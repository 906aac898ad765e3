import { Module } from '@nestjs/common';
import { MailService } from './mail.service.js';

/** Outgoing mail: SMTP with SMTP_URL, otherwise the log and `<dataDir>/mail/`. */
@Module({ providers: [MailService], exports: [MailService] })
export class MailModule {}
