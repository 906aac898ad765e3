import { randomBytes } from 'node:crypto';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { hash, verify, type Algorithm, type Options } from '@node-rs/argon2';
import type { ResolvedConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';

/** `Algorithm.Argon2id` (a const enum, which isolated-module compilers cannot inline). */
const ARGON2ID = 2 as Algorithm;

/** argon2id hashing with the configured cost, plus a dummy hash so unknown accounts cost the same. */
@Injectable()
export class PasswordService implements OnModuleInit {
  private readonly options: Options;
  private dummyHash: Promise<string> | undefined;

  constructor(@Inject(APP_CONFIG) config: Pick<ResolvedConfig, 'argon2'>) {
    this.options = { algorithm: ARGON2ID, ...config.argon2 };
  }

  onModuleInit(): void {
    this.dummyHash = this.hash(randomBytes(16).toString('hex'));
  }

  hash(password: string): Promise<string> {
    return hash(password, this.options);
  }

  /** Verifies a password; with no stored hash it verifies against a dummy one and answers false. */
  async verify(storedHash: string | undefined, password: string): Promise<boolean> {
    if (storedHash === undefined) {
      this.dummyHash ??= this.hash(randomBytes(16).toString('hex'));
      await verify(await this.dummyHash, password).catch(() => false);
      return false;
    }
    return verify(storedHash, password).catch(() => false);
  }
}
