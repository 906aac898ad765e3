/** The typed configuration of one host instance, parsed once at boot from environment variables. */
export interface AppConfig {
  nodeEnv: 'development' | 'production' | 'test';
  host: string;
  port: number;
  /** Public base URL of this host, used in mailed links and signed URLs. */
  publicUrl: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Folder for embedded data: database files, mail, secrets, local uploads. */
  dataDir: string;
  /** Unset: start embedded PostgreSQL under dataDir. */
  databaseUrl: string | undefined;
  /** Connections this instance opens to PostgreSQL at most (TypeORM's pool). */
  databasePoolSize: number;
  embeddedPostgresPort: number;
  /** Unset: in-process store for refresh sessions and rate limits (single instance only). */
  redisUrl: string | undefined;
  redisKeyPrefix: string;
  /** Unset: mail is logged and written to dataDir/mail. */
  smtpUrl: string | undefined;
  mailFrom: string;
  /** Unset: generated once and kept in dataDir/secrets.json. */
  jwtSecret: string | undefined;
  corsOrigins: string[];
  bodyLimitBytes: number;
  authRateLimit: { max: number; windowMs: number };
  argon2: { memoryCost: number; timeCost: number; parallelism: number };
  /** Mark the refresh cookie Secure (always true in production). */
  cookieSecure: boolean;
  shutdownGraceMs: number;
  realtime: {
    heartbeatMs: number;
    maxBufferedBytes: number;
    messagesPerSecond: number;
    burst: number;
    /** Events kept per group for resume; a client further behind is told to reload. */
    retainedEvents: number;
  };
  /** Trust X-Forwarded-For (behind a load balancer) when computing the client IP. */
  trustProxy: boolean;
  /** Folder scanned for plugin folders (each with a plugin.json). */
  pluginsDir: string;
  /** Watch pluginsDir and hot-reload changed plugins (default: on in development, off otherwise). */
  pluginsWatch: boolean;
  /** The plugin sandbox's limits and the plugins' circuit breaker (apps/host/src/plugins/sandbox/README.md). */
  pluginLimits: PluginLimitsConfig;
  /** Plugin computations (rulesets, plugins, feature trials) per client IP per window, shared through the store. */
  pluginRateLimit: { max: number; windowMs: number };
  /** Unset (no S3_BUCKET): portraits are stored under dataDir/uploads behind host-signed URLs. */
  s3: S3Config | undefined;
  /** Unset (no DISCORD_PUBLIC_KEY): the Discord interactions endpoint answers 404. */
  discord: DiscordConfig | undefined;
}

/** The Discord application whose slash commands arrive at POST /v1/discord/interactions. */
export interface DiscordConfig {
  /** The portal's "Public Key": 64 hex characters of the raw Ed25519 key. */
  publicKey: string;
  /** Needed for follow-ups (deferred answers) and `npm run discord:register`. */
  applicationId: string | undefined;
  /** Needed only by `npm run discord:register`. */
  botToken: string | undefined;
  /** Discord's REST API (tests point it at a local recording server). */
  apiBaseUrl: string;
  /** A signature timestamp further than this from our clock is a replay (401). */
  timestampSkewSeconds: number;
  /** A command not answered within this time is deferred and finished with a follow-up. */
  deferAfterMs: number;
  /** Largest `/campaign load` attachment fetched. */
  attachmentMaxBytes: number;
}

/** Limits of plugin server code: per call, per plugin and for the sandbox process as a whole. */
export interface PluginLimitsConfig {
  timeoutMs: number;
  memoryMb: number;
  arrayBufferMb: number;
  workers: number;
  maxQueue: number;
  processMemoryMb: number;
  /** Costly failures (timeout, memory, crash) within a minute that quarantine a plugin. */
  quarantineFailures: number;
  /** First quarantine's back-off (doubles in a row, up to 10 min). */
  quarantineMs: number;
}

/** An S3-compatible object store (AWS S3, MinIO, R2, ...). */
export interface S3Config {
  /** Unset: AWS S3 of the region. */
  endpoint: string | undefined;
  region: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  forcePathStyle: boolean;
  /** Public base URL of the bucket's objects; unset: the host redirects to short-lived signed GET URLs. */
  publicUrl: string | undefined;
}

export type Env = Record<string, string | undefined>;

/** The configuration after boot resolved what was left unset (embedded database URL, generated JWT secret). */
export type ResolvedConfig = Omit<AppConfig, 'databaseUrl' | 'jwtSecret'> & {
  databaseUrl: string;
  jwtSecret: string;
  embeddedDatabase: boolean;
};

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const NODE_ENVS = ['development', 'production', 'test'] as const;

/** Parses and validates every variable, throwing one ConfigError that lists all problems. */
export function parseConfig(env: Env): AppConfig {
  const problems: string[] = [];
  const read = new EnvReader(env, problems);
  const nodeEnv = read.oneOf('NODE_ENV', NODE_ENVS, 'development');
  const port = read.int('PORT', 3000, 0, 65535);
  const config: AppConfig = {
    nodeEnv,
    host: read.string('HOST', '0.0.0.0'),
    port,
    publicUrl: read.url('PUBLIC_URL', `http://localhost:${port}`, ['http:', 'https:']).replace(/\/$/, ''),
    logLevel: read.oneOf('LOG_LEVEL', LOG_LEVELS, nodeEnv === 'test' ? 'warn' : 'info'),
    dataDir: read.string('DATA_DIR', '.data'),
    databaseUrl: read.optionalUrl('DATABASE_URL', ['postgres:', 'postgresql:']),
    databasePoolSize: read.int('DATABASE_POOL_SIZE', 10, 2, 500),
    embeddedPostgresPort: read.int('EMBEDDED_POSTGRES_PORT', 54329, 1, 65535),
    redisUrl: read.optionalUrl('REDIS_URL', ['redis:', 'rediss:']),
    redisKeyPrefix: read.string('REDIS_KEY_PREFIX', ''),
    smtpUrl: read.optionalUrl('SMTP_URL', ['smtp:', 'smtps:']),
    mailFrom: read.string('MAIL_FROM', 'Campaign Manager <no-reply@campaign-manager.local>'),
    jwtSecret: read.optionalSecret('JWT_SECRET', 32),
    corsOrigins: read.list('CORS_ORIGINS'),
    bodyLimitBytes: read.int('BODY_LIMIT_BYTES', 1_048_576, 1024, 50 * 1_048_576),
    authRateLimit: {
      max: read.int('AUTH_RATE_LIMIT_MAX', 10, 1, 1_000_000),
      windowMs: read.int('AUTH_RATE_LIMIT_WINDOW_MS', 60_000, 1000, 86_400_000),
    },
    argon2: {
      memoryCost: read.int('ARGON2_MEMORY_KIB', 19_456, 1024, 1_048_576),
      timeCost: read.int('ARGON2_TIME_COST', 2, 1, 10),
      parallelism: read.int('ARGON2_PARALLELISM', 1, 1, 16),
    },
    cookieSecure: nodeEnv === 'production' ? true : read.bool('COOKIE_SECURE', true),
    shutdownGraceMs: read.int('SHUTDOWN_GRACE_MS', 10_000, 0, 120_000),
    trustProxy: read.bool('TRUST_PROXY', false),
    realtime: {
      heartbeatMs: read.int('REALTIME_HEARTBEAT_MS', 30_000, 100, 600_000),
      maxBufferedBytes: read.int('REALTIME_MAX_BUFFERED_BYTES', 1_048_576, 1024, 64 * 1_048_576),
      messagesPerSecond: read.int('REALTIME_MESSAGES_PER_SECOND', 20, 1, 10_000),
      burst: read.int('REALTIME_MESSAGE_BURST', 40, 1, 10_000),
      retainedEvents: read.int('REALTIME_RETAINED_EVENTS', 1000, 10, 1_000_000),
    },
    pluginsDir: read.string('PLUGINS_DIR', 'plugins'),
    pluginsWatch: read.bool('PLUGINS_WATCH', nodeEnv === 'development'),
    pluginLimits: {
      timeoutMs: read.int('PLUGIN_TIMEOUT_MS', 250, 10, 60_000),
      memoryMb: read.int('PLUGIN_MEMORY_MB', 64, 16, 4096),
      arrayBufferMb: read.int('PLUGIN_ARRAY_BUFFER_MB', 64, 1, 4096),
      workers: read.int('PLUGIN_WORKERS', 2, 1, 16),
      maxQueue: read.int('PLUGIN_MAX_QUEUE', 256, 1, 100_000),
      processMemoryMb: read.int('PLUGIN_SANDBOX_MEMORY_MB', 2048, 256, 65_536),
      quarantineFailures: read.int('PLUGIN_QUARANTINE_FAILURES', 3, 1, 1000),
      quarantineMs: read.int('PLUGIN_QUARANTINE_MS', 30_000, 100, 3_600_000),
    },
    pluginRateLimit: {
      max: read.int('PLUGIN_RATE_LIMIT_MAX', 300, 1, 10_000_000),
      windowMs: read.int('PLUGIN_RATE_LIMIT_WINDOW_MS', 60_000, 1000, 86_400_000),
    },
    s3: readS3Config(read, problems),
    discord: readDiscordConfig(read, problems),
  };
  if (nodeEnv === 'production') problems.push(...productionProblems(config));
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/**
 * Production fails closed: a generated secret would differ per instance (tokens of one refused by another),
 * and without SMTP password-reset links would end up in the log.
 */
function productionProblems(config: AppConfig): string[] {
  const problems: string[] = [];
  if (config.jwtSecret === undefined) {
    problems.push(
      'JWT_SECRET is required in production (the same secret of at least 32 characters on every instance, e.g. `openssl rand -base64 48`)',
    );
  }
  if (config.smtpUrl === undefined) {
    problems.push('SMTP_URL is required in production (account and password-reset mail must be delivered, not logged)');
  }
  return problems;
}

const S3_VARIABLES = [
  'S3_ENDPOINT',
  'S3_REGION',
  'S3_ACCESS_KEY_ID',
  'S3_SECRET_ACCESS_KEY',
  'S3_FORCE_PATH_STYLE',
  'S3_PUBLIC_URL',
];

/** S3 is active when S3_BUCKET is set; it then needs the key pair, and other S3_* variables without it are a mistake. */
function readS3Config(read: EnvReader, problems: string[]): S3Config | undefined {
  const bucket = read.optionalString('S3_BUCKET');
  if (bucket === undefined) {
    const stray = S3_VARIABLES.filter((name) => read.optionalString(name) !== undefined);
    if (stray.length > 0)
      problems.push(`S3_BUCKET is required when ${stray.join(', ')} ${stray.length > 1 ? 'are' : 'is'} set`);
    return undefined;
  }
  const [accessKeyId, secretAccessKey] = ['S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY'].map((name) =>
    read.optionalString(name),
  );
  const missing = [
    accessKeyId === undefined && 'S3_ACCESS_KEY_ID',
    secretAccessKey === undefined && 'S3_SECRET_ACCESS_KEY',
  ].filter(Boolean);
  if (missing.length > 0)
    problems.push(`${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} required when S3_BUCKET is set`);
  const endpoint = read.optionalUrl('S3_ENDPOINT', ['http:', 'https:']);
  return {
    endpoint,
    region: read.string('S3_REGION', 'us-east-1'),
    bucket,
    accessKeyId: accessKeyId ?? '',
    secretAccessKey: secretAccessKey ?? '',
    forcePathStyle: read.bool('S3_FORCE_PATH_STYLE', endpoint !== undefined),
    publicUrl: read.optionalUrl('S3_PUBLIC_URL', ['http:', 'https:'])?.replace(/\/$/, ''),
  };
}

/** Discord is on when DISCORD_PUBLIC_KEY is set (a 64-hex-character Ed25519 key). */
function readDiscordConfig(read: EnvReader, problems: string[]): DiscordConfig | undefined {
  const publicKey = read.optionalString('DISCORD_PUBLIC_KEY');
  if (publicKey === undefined) return undefined;
  if (!/^[0-9a-f]{64}$/i.test(publicKey)) problems.push('DISCORD_PUBLIC_KEY must be 64 hex characters');
  const applicationId = read.optionalString('DISCORD_APPLICATION_ID');
  if (applicationId !== undefined && !/^\d{1,20}$/.test(applicationId))
    problems.push('DISCORD_APPLICATION_ID must be a Discord id (digits)');
  return {
    publicKey: publicKey.toLowerCase(),
    applicationId,
    botToken: read.optionalString('DISCORD_BOT_TOKEN'),
    apiBaseUrl: read.url('DISCORD_API_BASE_URL', 'https://discord.com/api/v10', ['http:', 'https:']).replace(/\/$/, ''),
    timestampSkewSeconds: read.int('DISCORD_TIMESTAMP_SKEW_SECONDS', 300, 1, 86_400),
    deferAfterMs: read.int('DISCORD_DEFER_AFTER_MS', 2000, 0, 2800),
    attachmentMaxBytes: read.int('DISCORD_ATTACHMENT_MAX_BYTES', 1_048_576, 1024, 10 * 1_048_576),
  };
}

class EnvReader {
  constructor(
    private readonly env: Env,
    private readonly problems: string[],
  ) {}

  private raw(name: string): string | undefined {
    const value = this.env[name]?.trim();
    return value === '' ? undefined : value;
  }

  string(name: string, fallback: string): string {
    return this.raw(name) ?? fallback;
  }

  optionalString(name: string): string | undefined {
    return this.raw(name);
  }

  int(name: string, fallback: number, min: number, max: number): number {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
      this.problems.push(`${name} must be an integer between ${min} and ${max} (got "${value}")`);
      return fallback;
    }
    return parsed;
  }

  bool(name: string, fallback: boolean): boolean {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if (['true', '1', 'yes'].includes(value.toLowerCase())) return true;
    if (['false', '0', 'no'].includes(value.toLowerCase())) return false;
    this.problems.push(`${name} must be true or false (got "${value}")`);
    return fallback;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if ((allowed as readonly string[]).includes(value)) return value as T;
    this.problems.push(`${name} must be one of ${allowed.join(', ')} (got "${value}")`);
    return fallback;
  }

  optionalUrl(name: string, protocols: string[]): string | undefined {
    const value = this.raw(name);
    if (value === undefined) return undefined;
    return this.checkUrl(name, value, protocols);
  }

  url(name: string, fallback: string, protocols: string[]): string {
    return this.optionalUrl(name, protocols) ?? fallback;
  }

  private checkUrl(name: string, value: string, protocols: string[]): string | undefined {
    try {
      const url = new URL(value);
      if (protocols.includes(url.protocol)) return value;
    } catch {
      // reported below
    }
    this.problems.push(`${name} must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`);
    return undefined;
  }

  optionalSecret(name: string, minLength: number): string | undefined {
    const value = this.raw(name);
    if (value !== undefined && value.length < minLength) {
      this.problems.push(`${name} must be at least ${minLength} characters long`);
      return undefined;
    }
    return value;
  }

  list(name: string): string[] {
    const value = this.raw(name);
    return value === undefined
      ? []
      : value
          .split(',')
          .map((item) => item.trim())
          .filter(Boolean);
  }
}
