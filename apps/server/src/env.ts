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

/**
 * Every variable carries a one-line description (and, where the default is computed at start, a
 * sentence saying what it is): `pnpm env:example` renders them into .env.example, and a test keeps that file
 * in step with this schema.
 */
const doc = (description: string, shownDefault?: string) =>
  shownDefault === undefined ? { description } : { description, shownDefault };

export const envSchema = z.object({
  NODE_ENV: z
    .enum(['development', 'production', 'test'])
    .default('development')
    .meta(
      doc(
        'development, production or test; production requires JWT_SECRET and PostgreSQL and starts WORKERS processes',
      ),
    ),
  PORT: int(0, 65535).default(8000).meta(doc('listening port')),
  HOST: z
    .string()
    .min(1)
    .default('127.0.0.1')
    .meta(doc('listening address (0.0.0.0 to accept outside connections)')),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .default('info')
    .meta(doc('fatal, error, warn, info, debug, trace or silent')),
  LOG_FORMAT: z
    .enum(['pretty', 'json'])
    .optional()
    .meta(
      doc('pretty (human-readable lines) or json (one object per line)', 'pretty in development, else json'),
    ),
  DATA_DIR: z
    .string()
    .min(1)
    .default(path.join(REPO_ROOT, 'data'))
    .meta(doc('PGlite files, the development JWT secret, the mail outbox, uploads', './data (repo root)')),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .optional()
    .meta(doc('postgres://… selects PostgreSQL; unset selects PGlite in DATA_DIR/pglite')),
  ALLOW_PGLITE_IN_PRODUCTION: bool
    .default(false)
    .meta(doc('let NODE_ENV=production run on PGlite (one process)')),
  MIGRATE_ON_START: bool.default(true).meta(doc('apply pending migrations at start (PGlite always does)')),
  DB_POOL_SIZE: int(1, 200).default(10).meta(doc('PostgreSQL connections per process')),
  DB_PREPARED_STATEMENTS: bool
    .default(true)
    .meta(
      doc(
        'send parameterised statements as named prepared statements (parsed once per connection); false behind PgBouncer in transaction mode',
      ),
    ),
  DB_PREPARED_STATEMENTS_MAX: int(0, 100_000)
    .default(500)
    .meta(doc('distinct statements prepared per connection at most; later ones are sent unnamed')),
  DB_CONNECT_TIMEOUT_MS: int(1, 600_000)
    .default(1000)
    .meta(
      doc(
        'how long a request waits for a PostgreSQL connection (new or from a full pool) before a 503 DATABASE_UNAVAILABLE',
      ),
    ),
  PUBLIC_URL: z
    .url({ protocol: /^https?$/ })
    .transform((u) => u.replace(/\/+$/, ''))
    .optional()
    .meta(doc("base of absolute URLs in responses (next, profile_pic…); else the request's host")),
  ALLOWED_HOSTS: list
    .default(['*'])
    .meta(doc('comma list of accepted Host names; others get 400 INVALID_HOST')),
  TRUST_PROXY: z
    .string()
    .default('false')
    .transform((v): boolean | number | string[] => {
      if (v === 'true' || v === 'false') return v === 'true';
      if (/^\d+$/.test(v)) return Number(v);
      return v.split(',').map((x) => x.trim());
    })
    .meta(
      doc(
        'false, true, a hop count, or a comma list of proxy addresses/CIDRs; decides the client IP used by rate limits',
      ),
    ),
  CORS_ORIGINS: list.default([]).meta(doc('comma list of allowed origins (* for any, without credentials)')),
  BODY_LIMIT: int(1024)
    .default(1024 * 1024)
    .meta(doc('largest JSON body in bytes (413 PAYLOAD_TOO_LARGE above)')),
  SETTINGS_CACHE_MS: int(0)
    .default(1000)
    .meta(doc('how long a process may reuse the runtime settings it read from the database')),
  MAINTENANCE: bool
    .default(false)
    .meta(doc('initial value of the maintenance switch (written when the settings row is first created)')),
  ALLOW_REGISTRATION: bool
    .default(false)
    .meta(doc('initial value of the registration switch (written when the settings row is first created)')),
  ANONYMOUS_READ: bool
    .default(false)
    .meta(
      doc(
        'initial value of the anonymous-read switch: anyone may read published posts, categories and files (written when the settings row is first created)',
      ),
    ),
  WORKERS: int(1, 256)
    .default(cpus().length)
    .meta(doc('server processes in production on PostgreSQL; one that dies is replaced', 'number of CPUs')),
  JWT_SECRET: z
    .string()
    .min(32, 'must be at least 32 characters')
    .optional()
    .meta(
      doc(
        'HMAC key for tokens (at least 32 characters); in development one is generated once into DATA_DIR/jwt-secret',
      ),
    ),
  ACCESS_TOKEN_TTL_MINUTES: int(1).default(60).meta(doc('access token lifetime')),
  ACCESS_TOKEN_TTL_SECONDS: int(1)
    .optional()
    .meta(
      doc(
        'test only (refused unless NODE_ENV=test): an access token lifetime in seconds, overriding the minutes',
      ),
    ),
  REFRESH_TOKEN_TTL_DAYS: int(1).default(7).meta(doc('refresh token lifetime')),
  SHUTDOWN_TIMEOUT_MS: int(0)
    .default(10_000)
    .meta(doc('how long SIGTERM waits for in-flight requests before forcing exit')),
  MEDIA_ROOT: z
    .string()
    .min(1)
    .optional()
    .meta(doc('where uploaded files are stored; served under /media/', 'DATA_DIR/media')),
  UPLOAD_MAX_BYTES: int(1)
    .default(10 * 1024 * 1024)
    .meta(doc('largest upload in bytes (413 while streaming, before the file is held whole)')),
  // Storage of uploads (packages/api/src/shared/storage.ts, s3-storage.ts)
  STORAGE: z
    .enum(['local', 's3'])
    .default('local')
    .meta(doc('where uploads live: local (MEDIA_ROOT) or s3 (an S3-compatible bucket, for several servers)')),
  S3_BUCKET: z.string().min(1).optional().meta(doc('STORAGE=s3: the bucket (required); checked at start')),
  S3_REGION: z.string().min(1).default('us-east-1').meta(doc("STORAGE=s3: the bucket's region")),
  S3_ENDPOINT: z
    .url({ protocol: /^https?$/ })
    .optional()
    .meta(doc('STORAGE=s3: the endpoint of an S3-compatible service (MinIO, R2, …); unset for AWS')),
  S3_FORCE_PATH_STYLE: bool
    .default(false)
    .meta(doc('STORAGE=s3: address the bucket in the path, not the host name (MinIO and most self-hosted)')),
  AWS_ACCESS_KEY_ID: z
    .string()
    .min(1)
    .optional()
    .meta(doc("STORAGE=s3: access key; unset: the AWS SDK's other sources (profile, instance role…)")),
  AWS_SECRET_ACCESS_KEY: z
    .string()
    .min(1)
    .optional()
    .meta(doc('STORAGE=s3: secret key (with AWS_ACCESS_KEY_ID)')),
  AWS_SESSION_TOKEN: z
    .string()
    .min(1)
    .optional()
    .meta(doc('STORAGE=s3: session token of temporary credentials')),
  S3_MEDIA: z
    .enum(['proxy', 'redirect'])
    .default('proxy')
    .meta(
      doc(
        'STORAGE=s3: /media/ streams objects through the server with its cache and security headers (proxy), or answers 302 to a presigned bucket URL (redirect)',
      ),
    ),
  S3_PRESIGN_SECONDS: int(1, 7 * 24 * 3600)
    .default(300)
    .meta(doc('STORAGE=s3, S3_MEDIA=redirect: lifetime of a presigned URL')),
  S3_UPLOAD_QUEUE_SIZE: int(1, 16)
    .default(2)
    .meta(doc('STORAGE=s3: 5 MiB parts of one upload sent at once (memory per upload ≈ 5 MiB × (this + 1))')),
  // Background jobs (maintenance-jobs.ts)
  HOUSEKEEPING_INTERVAL_SECONDS: int(0)
    .default(600)
    .meta(
      doc(
        'every process purges expired tokens, codes and rate-limit rows and sweeps stale partial uploads at start and this often; 0 turns it off',
      ),
    ),
  HOUSEKEEPING_BATCH_SIZE: int(1, 100_000)
    .default(1000)
    .meta(doc('rows deleted per statement by the purges (at most 10 statements per table per pass)')),
  PARTIAL_UPLOAD_MAX_AGE_SECONDS: int(1)
    .default(900)
    .meta(doc('a leftover *.part upload file older than this is removed by the sweeper')),
  // Accounts
  REFRESH_ROTATION: bool
    .default(true)
    .meta(
      doc(
        "rotate refresh tokens on every use; false keeps the seed's behaviour (refresh returns only access)",
      ),
    ),
  REFRESH_REUSE_GRACE_SECONDS: int(0, 300)
    .default(10)
    .meta(
      doc(
        'a spent refresh token reused within this window gets 401 and nothing else; later it revokes its family',
      ),
    ),
  OTP_TTL_MINUTES: int(1, 1440).default(10).meta(doc('lifetime of an emailed code')),
  OTP_MAX_ATTEMPTS: int(1, 100)
    .default(5)
    .meta(doc('wrong tries before a code is dead (even the right one)')),
  OTP_RESEND_COOLDOWN_SECONDS: int(0, 3600)
    .default(60)
    .meta(
      doc('within this time of the last code sent to an address, resend/forget answer 200 but send nothing'),
    ),
  PASSWORD_HASH_PROFILE: z
    .enum(['owasp', 'fast'])
    .default('owasp')
    .meta(
      doc('owasp: argon2id m=19 MiB, t=2, p=1; fast is for the test suite and refused unless NODE_ENV=test'),
    ),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL')
    .optional()
    .meta(
      doc(
        'smtp://user:pass@host:587 or smtps://…; unset writes each message as an .eml file to DATA_DIR/outbox',
      ),
    ),
  MAIL_FROM: z.string().min(3).default('Lectern <no-reply@localhost>').meta(doc('sender address')),
  ADMIN_EMAIL: z
    .email()
    .default('admin@localhost.localdomain')
    .meta(doc('email of the first superuser, created at start when there is none (see ADMIN_PASSWORD)')),
  ADMIN_USERNAME: z
    .string()
    .regex(/^[A-Za-z0-9@.+_-]{3,150}$/)
    .default('admin')
    .meta(doc('username of that first superuser')),
  ADMIN_PASSWORD: z
    .string()
    .min(1)
    .optional()
    .meta(
      doc(
        'its password; on PostgreSQL the superuser is seeded only when this is set, on PGlite one is generated and shown once',
      ),
    ),
  RATE_LIMIT_ENABLED: bool.default(true).meta(doc('false turns every rate limit and the login lockout off')),
  RATE_LIMIT_WINDOW_SECONDS: int(1).default(900).meta(doc('the window every RATE_LIMIT_* cap counts over')),
  RATE_LIMIT_LOGIN_PER_IP: int(1).default(50).meta(doc('login attempts per client address per window')),
  RATE_LIMIT_LOGIN_PER_EMAIL: int(1).default(20).meta(doc('login attempts per email address per window')),
  RATE_LIMIT_REGISTER_PER_IP: int(1).default(20).meta(doc('registrations per client address per window')),
  RATE_LIMIT_REGISTER_PER_EMAIL: int(1).default(5).meta(doc('registrations per email address per window')),
  RATE_LIMIT_RESEND_PER_IP: int(1).default(20).meta(doc('resend-otp calls per client address per window')),
  RATE_LIMIT_RESEND_PER_EMAIL: int(1).default(5).meta(doc('resend-otp calls per email address per window')),
  RATE_LIMIT_FORGET_PER_IP: int(1)
    .default(20)
    .meta(doc('forget-password calls per client address per window')),
  RATE_LIMIT_FORGET_PER_EMAIL: int(1)
    .default(5)
    .meta(doc('forget-password calls per email address per window')),
  RATE_LIMIT_VERIFY_PER_IP: int(1).default(50).meta(doc('verify-otp calls per client address per window')),
  RATE_LIMIT_VERIFY_PER_EMAIL: int(1).default(20).meta(doc('verify-otp calls per email address per window')),
  RATE_LIMIT_RESET_PER_IP: int(1).default(50).meta(doc('reset-password calls per client address per window')),
  RATE_LIMIT_RESET_PER_EMAIL: int(1)
    .default(20)
    .meta(doc('reset-password calls per email address per window')),
  LOGIN_LOCKOUT_FAILURES: int(1)
    .default(5)
    .meta(doc('failed logins for one address (known or not) before it is locked')),
  LOGIN_LOCKOUT_MINUTES: int(1).default(15).meta(doc('how long such an address stays locked')),
  // Publishing (packages/api/src/posts: revisions.ts, scheduler.ts)
  REVISIONS_KEPT: int(1, 1000)
    .default(50)
    .meta(doc("revisions kept per post; each write trims its post's older ones in the same transaction")),
  PUBLISH_SCHEDULER: bool
    .default(true)
    .meta(doc('run the scheduled-publishing loop in this process (safe in any number of processes)')),
  PUBLISH_SCHEDULER_INTERVAL_MS: int(100, 60_000)
    .default(1000)
    .meta(doc('pause between two passes of the scheduled-publishing loop')),
  PUBLISH_SCHEDULER_BATCH_SIZE: int(1, 1000)
    .default(100)
    .meta(doc('scheduled posts published per transaction (a pass takes as many batches as are due)')),
  // Webhooks (packages/api/src/webhooks)
  WEBHOOK_DELIVERY: bool
    .default(true)
    .meta(doc('run the webhook delivery worker in this process (safe in any number of processes)')),
  WEBHOOK_DELIVERY_INTERVAL_MS: int(50, 60_000)
    .default(1000)
    .meta(doc('pause between two passes of the webhook delivery worker')),
  WEBHOOK_DELIVERY_BATCH_SIZE: int(1, 500)
    .default(20)
    .meta(doc('webhook deliveries claimed and sent concurrently at a time by one process')),
  WEBHOOK_TIMEOUT_MS: int(100, 60_000)
    .default(5000)
    .meta(doc('time a receiver has to answer a delivery (lookup, connection and response headers)')),
  WEBHOOK_MAX_ATTEMPTS: int(1, 100)
    .default(12)
    .meta(doc('attempts of one delivery before it is given up (failed)')),
  WEBHOOK_RETRY_BASE_MS: int(10, 86_400_000)
    .default(30_000)
    .meta(doc('pause after the first failed attempt; it doubles after each next one (with jitter)')),
  WEBHOOK_RETRY_MAX_DELAY_MS: int(10, 86_400_000)
    .default(3_600_000)
    .meta(doc('longest pause between two attempts of a delivery')),
  WEBHOOK_LOG_RETENTION_DAYS: int(0, 3650)
    .default(30)
    .meta(doc('finished webhook deliveries older than this many days leave the delivery log; 0 keeps them')),
  WEBHOOK_ALLOW_PRIVATE: bool
    .default(false)
    .meta(doc('allow webhook URLs on loopback, private and other non-public addresses (SSRF guard off)')),
  // Image variants (packages/api/src/shared: images.ts, image-variants.ts)
  IMAGE_MAX_PIXELS: int(1, 1_000_000_000)
    .default(50_000_000)
    .meta(doc('pictures and thumbnails with more pixels are refused (413 IMAGE_TOO_LARGE) before decoding')),
  IMAGE_VARIANT_WORKER: bool
    .default(true)
    .meta(doc('run the image-variant worker in this process (safe in any number of processes)')),
  IMAGE_VARIANT_INTERVAL_MS: int(100, 60_000)
    .default(1000)
    .meta(doc('pause between two passes of the image-variant worker')),
  IMAGE_VARIANT_LEASE_SECONDS: int(5, 3600)
    .default(120)
    .meta(doc('how long a claimed variant job stays with its process before another may retry it')),
  IMAGE_VARIANT_MAX_ATTEMPTS: int(1, 20)
    .default(3)
    .meta(doc('claims per variant job before it is dropped (the picture then keeps no variants)')),
  // Live content events (packages/api/src/events, plugins/events.ts)
  EVENTS_MAX_SUBSCRIBERS: int(0, 1_000_000)
    .default(1000)
    .meta(doc('live-event streams (SSE) one process serves at once; one more gets 503 EVENTS_UNAVAILABLE')),
  EVENTS_RETENTION_HOURS: int(1, 24 * 365)
    .default(24)
    .meta(
      doc(
        'content events older than this are purged by housekeeping; a client resuming from an older id gets EVENTS_EXPIRED',
      ),
    ),
  // Content cache and benchmarks
  CONTENT_CACHE_ENTRIES: int(0, 1_000_000)
    .default(1000)
    .meta(
      doc(
        "list pages (with counts) kept per process, keyed by the database's content version; 0 turns it off",
      ),
    ),
  BENCH_COUNT_QUERIES: bool
    .default(false)
    .meta(doc('bench mode: each response carries x-lectern-sql-statements')),
});

export type Env = Readonly<z.infer<typeof envSchema> & { MEDIA_ROOT: string; LOG_FORMAT: 'pretty' | 'json' }>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses an environment (process.env by default, with .env files underneath). */
export function loadEnv(source?: NodeJS.ProcessEnv): Env {
  let vars = source;
  if (!vars) {
    // `pnpm start` runs in apps/server: a .env there or at the repository root both count (the first
    // one that sets a variable wins; the real environment wins over both).
    loadDotenv({ quiet: true, path: [path.resolve('.env'), path.join(REPO_ROOT, '.env')] });
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
  if (env.STORAGE === 's3' && !env.S3_BUCKET) {
    throw new ConfigError('Invalid configuration:\n  S3_BUCKET: required with STORAGE=s3');
  }
  if (!env.AWS_ACCESS_KEY_ID !== !env.AWS_SECRET_ACCESS_KEY) {
    throw new ConfigError(
      'Invalid configuration:\n  AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY: set both or neither',
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
  return Object.freeze({
    ...env,
    MEDIA_ROOT: env.MEDIA_ROOT ?? path.join(env.DATA_DIR, 'media'),
    LOG_FORMAT: env.LOG_FORMAT ?? (env.NODE_ENV === 'development' ? 'pretty' : 'json'),
  });
}
