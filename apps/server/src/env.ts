/**
 * The one place that reads the environment: a zod schema over process.env (and an optional .env),
 * parsed once at start and frozen. A bad value stops the start with the variable's name.
 */
import { cpus } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { config as loadDotenv } from 'dotenv';
import { z } from 'zod';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

const bool = z.stringbool({ truthy: ['true', '1', 'yes', 'on'], falsy: ['false', '0', 'no', 'off'] });
const int = (min: number, max = Number.MAX_SAFE_INTEGER) => z.coerce.number().int().min(min).max(max);
const list = z.string().transform((s) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean),
);

export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: int(0, 65535).default(8000),
  HOST: z.string().min(1).default('127.0.0.1'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATA_DIR: z.string().min(1).default(path.join(REPO_ROOT, 'data')),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .optional(),
  ALLOW_PGLITE_IN_PRODUCTION: bool.default(false),
  MIGRATE_ON_START: bool.default(true),
  DB_POOL_SIZE: int(1, 200).default(10),
  /** PostgreSQL: parameterised statements as named prepared statements (parsed once per connection, plans reused). */
  DB_PREPARED_STATEMENTS: bool.default(true),
  PUBLIC_URL: z
    .url({ protocol: /^https?$/ })
    .transform((u) => u.replace(/\/+$/, ''))
    .optional(),
  ALLOWED_HOSTS: list.default(['*']),
  /** false, true, a hop count, or a comma list of proxy addresses/CIDRs. */
  TRUST_PROXY: z
    .string()
    .default('false')
    .transform((v): boolean | number | string[] => {
      if (v === 'true' || v === 'false') return v === 'true';
      if (/^\d+$/.test(v)) return Number(v);
      return v.split(',').map((x) => x.trim());
    }),
  CORS_ORIGINS: list.default([]),
  BODY_LIMIT: int(1024).default(1024 * 1024),
  SETTINGS_CACHE_MS: int(0).default(1000),
  MAINTENANCE: bool.default(false),
  ALLOW_REGISTRATION: bool.default(false),
  WORKERS: int(1, 256).default(cpus().length),
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  ACCESS_TOKEN_TTL_MINUTES: int(1).default(60),
  /** Test-only (refused unless NODE_ENV=test): an access token lifetime in seconds, overriding the minutes. */
  ACCESS_TOKEN_TTL_SECONDS: int(1).optional(),
  REFRESH_TOKEN_TTL_DAYS: int(1).default(7),
  SHUTDOWN_TIMEOUT_MS: int(0).default(10_000),
  /** Uploaded files; defaults to DATA_DIR/media. */
  MEDIA_ROOT: z.string().min(1).optional(),
  UPLOAD_MAX_BYTES: int(1).default(10 * 1024 * 1024),
  // Accounts
  /** Refresh tokens rotate on every use; false keeps the seed's behaviour (refresh returns only `access`). */
  REFRESH_ROTATION: bool.default(true),
  /** A spent refresh token presented again within this many seconds is refused without revoking its family. */
  REFRESH_REUSE_GRACE_SECONDS: int(0, 300).default(10),
  OTP_TTL_MINUTES: int(1, 1440).default(10),
  OTP_MAX_ATTEMPTS: int(1, 100).default(5),
  OTP_RESEND_COOLDOWN_SECONDS: int(0, 3600).default(60),
  /** `owasp` (argon2id m=19456 KiB, t=2, p=1); `fast` is a cheap profile accepted only with NODE_ENV=test. */
  PASSWORD_HASH_PROFILE: z.enum(['owasp', 'fast']).default('owasp'),
  /** smtp://user:pass@host:port (smtps:// for TLS); unset → .eml files under DATA_DIR/outbox. */
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL')
    .optional(),
  MAIL_FROM: z.string().min(3).default('Lectern <no-reply@localhost>'),
  /** The superuser seeded on the embedded database's first start (password generated when unset). */
  ADMIN_EMAIL: z.email().default('admin@localhost.localdomain'),
  ADMIN_USERNAME: z
    .string()
    .regex(/^[A-Za-z0-9@.+_-]{3,150}$/)
    .default('admin'),
  ADMIN_PASSWORD: z.string().min(1).optional(),
  RATE_LIMIT_ENABLED: bool.default(true),
  /** The window every RATE_LIMIT_* cap counts over. */
  RATE_LIMIT_WINDOW_SECONDS: int(1).default(900),
  RATE_LIMIT_LOGIN_PER_IP: int(1).default(50),
  RATE_LIMIT_LOGIN_PER_EMAIL: int(1).default(20),
  RATE_LIMIT_REGISTER_PER_IP: int(1).default(20),
  RATE_LIMIT_REGISTER_PER_EMAIL: int(1).default(5),
  RATE_LIMIT_RESEND_PER_IP: int(1).default(20),
  RATE_LIMIT_RESEND_PER_EMAIL: int(1).default(5),
  RATE_LIMIT_FORGET_PER_IP: int(1).default(20),
  RATE_LIMIT_FORGET_PER_EMAIL: int(1).default(5),
  RATE_LIMIT_VERIFY_PER_IP: int(1).default(50),
  RATE_LIMIT_VERIFY_PER_EMAIL: int(1).default(20),
  RATE_LIMIT_RESET_PER_IP: int(1).default(50),
  RATE_LIMIT_RESET_PER_EMAIL: int(1).default(20),
  /** Failed logins for one address (known or not) before it is locked for LOGIN_LOCKOUT_MINUTES. */
  LOGIN_LOCKOUT_FAILURES: int(1).default(5),
  LOGIN_LOCKOUT_MINUTES: int(1).default(15),
  // Content cache and benchmarks
  /** Entries (list pages with their counts) kept per process, keyed by the content version; 0 turns the cache off. */
  CONTENT_CACHE_ENTRIES: int(0, 1_000_000).default(1000),
  /** Bench mode: count the SQL statements of each request into an `x-lectern-sql-statements` header. */
  BENCH_COUNT_QUERIES: bool.default(false),
});

export type Env = Readonly<z.infer<typeof envSchema> & { MEDIA_ROOT: string }>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses an environment (process.env by default, with .env from the working folder underneath). */
export function loadEnv(source?: NodeJS.ProcessEnv): Env {
  let vars = source;
  if (!vars) {
    loadDotenv({ quiet: true });
    vars = process.env;
  }
  // Empty strings mean "unset" (as `FOO= pnpm start` does).
  const cleaned = Object.fromEntries(Object.entries(vars).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const env = parsed.data;
  if (env.PASSWORD_HASH_PROFILE === 'fast' && env.NODE_ENV !== 'test') {
    throw new ConfigError(
      'Invalid configuration:\n  PASSWORD_HASH_PROFILE: "fast" is only allowed with NODE_ENV=test',
    );
  }
  if (env.ACCESS_TOKEN_TTL_SECONDS !== undefined && env.NODE_ENV !== 'test') {
    throw new ConfigError(
      'Invalid configuration:\n  ACCESS_TOKEN_TTL_SECONDS: only allowed with NODE_ENV=test (use ACCESS_TOKEN_TTL_MINUTES)',
    );
  }
  if (env.NODE_ENV === 'production') {
    if (!env.JWT_SECRET)
      throw new ConfigError('Invalid configuration:\n  JWT_SECRET: required in production');
    if (!env.DATABASE_URL && !env.ALLOW_PGLITE_IN_PRODUCTION) {
      throw new ConfigError(
        'Invalid configuration:\n  DATABASE_URL: required in production (or set ALLOW_PGLITE_IN_PRODUCTION=true)',
      );
    }
  }
  return Object.freeze({ ...env, MEDIA_ROOT: env.MEDIA_ROOT ?? path.join(env.DATA_DIR, 'media') });
}
