import { describe, expect, it } from '@jest/globals';
import { ConfigError, parseConfig } from './app-config.js';

describe(parseConfig.name, () => {
  it('uses the embedded defaults when nothing is set', () => {
    const config = parseConfig({});
    expect(config.databaseUrl).toBeUndefined();
    expect(config.redisUrl).toBeUndefined();
    expect(config.smtpUrl).toBeUndefined();
    expect(config.port).toBe(3000);
    expect(config.authRateLimit).toEqual({ max: 10, windowMs: 60_000 });
  });

  it('reports every bad variable in one error', () => {
    let caught: unknown;
    try {
      parseConfig({ PORT: 'abc', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud', JWT_SECRET: 'short' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const { problems } = caught as ConfigError;
    expect(problems).toHaveLength(4);
    for (const name of ['PORT', 'DATABASE_URL', 'LOG_LEVEL', 'JWT_SECRET']) {
      expect(problems.some((p) => p.startsWith(name))).toBe(true);
    }
  });

  const production = {
    NODE_ENV: 'production',
    JWT_SECRET: 'a-production-secret-a-production-secret',
    SMTP_URL: 'smtp://mail:25',
  };

  it('refuses production without JWT_SECRET or SMTP_URL, naming each', () => {
    const problems = (env: Record<string, string | undefined>): string[] => {
      try {
        parseConfig(env);
        return [];
      } catch (error) {
        return (error as ConfigError).problems;
      }
    };
    expect(problems({ ...production, JWT_SECRET: undefined })).toEqual([
      expect.stringMatching(/^JWT_SECRET is required in production/),
    ]);
    expect(problems({ ...production, SMTP_URL: undefined })).toEqual([
      expect.stringMatching(/^SMTP_URL is required in production/),
    ]);
    expect(problems({ NODE_ENV: 'production' })).toHaveLength(2);
    expect(problems(production)).toEqual([]);
    // Development and tests keep the embedded defaults.
    expect(problems({ NODE_ENV: 'development' })).toEqual([]);
  });

  it('forces Secure cookies in production', () => {
    expect(parseConfig({ ...production, COOKIE_SECURE: 'false' }).cookieSecure).toBe(true);
    expect(parseConfig({ COOKIE_SECURE: 'false' }).cookieSecure).toBe(false);
  });
});
