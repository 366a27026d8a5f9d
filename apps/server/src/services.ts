import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import {
  ContentCache,
  EventHub,
  LocalDiskStorage,
  type MailLog,
  MailService,
  PasswordHasher,
  RateLimiter,
  S3Storage,
  type Services,
  SettingsService,
  type Storage,
} from '@lectern/api';
import type { Database, NotificationSource } from '@lectern/db';
import type { Kysely } from 'kysely';
import type { Env } from './env.ts';
import type { Logger } from './logger.ts';

/** Log lines of the services, through the process's logger or (tests) plain console at LOG_LEVEL. */
function serviceLog(env: Env, logger: Logger | undefined): MailLog {
  if (logger) {
    return {
      info: (message) => logger.info(message),
      error: (message, err) => logger.error({ err }, message),
    };
  }
  const at = LEVELS.indexOf(env.LOG_LEVEL);
  return {
    info: (message) => {
      if (at <= LEVELS.indexOf('info')) console.log(message);
    },
    error: (message, error) => {
      if (at <= LEVELS.indexOf('error')) console.error(message, error);
    },
  };
}

const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

/**
 * The storage of uploads: MEDIA_ROOT on local disk, or the S3 bucket, checked now (HeadBucket) so a
 * wrong bucket, endpoint or credential stops the start with a clear message instead of failing uploads.
 */
export async function createStorage(env: Env): Promise<Storage> {
  if (env.STORAGE === 's3') {
    if (!env.S3_BUCKET) throw new Error('S3_BUCKET is required with STORAGE=s3');
    const storage = new S3Storage({
      bucket: env.S3_BUCKET,
      region: env.S3_REGION,
      ...(env.S3_ENDPOINT ? { endpoint: env.S3_ENDPOINT } : {}),
      forcePathStyle: env.S3_FORCE_PATH_STYLE,
      queueSize: env.S3_UPLOAD_QUEUE_SIZE,
      ...(env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY
        ? {
            credentials: {
              accessKeyId: env.AWS_ACCESS_KEY_ID,
              secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
              ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
            },
          }
        : {}),
    });
    await storage.check();
    return storage;
  }
  await mkdir(env.MEDIA_ROOT, { recursive: true });
  return new LocalDiskStorage(env.MEDIA_ROOT);
}

/**
 * Builds the long-lived collaborators every request shares. `notifications` (the database's LISTEN)
 * carries live content events; without it (command-line tools) the event hub polls.
 */
export async function createServices(
  db: Kysely<Database>,
  env: Env,
  logger?: Logger,
  notifications?: NotificationSource,
): Promise<Services> {
  const settings = new SettingsService(db, env.SETTINGS_CACHE_MS, {
    maintenance: env.MAINTENANCE,
    allow_registration: env.ALLOW_REGISTRATION,
    anonymous_read: env.ANONYMOUS_READ,
  });
  await settings.ensure();
  const storage = await createStorage(env);
  const passwords = new PasswordHasher(env.PASSWORD_HASH_PROFILE);
  const mail = new MailService({
    from: env.MAIL_FROM,
    smtpUrl: env.SMTP_URL,
    outboxDir: path.join(env.DATA_DIR, 'outbox'),
    logOutbox: env.NODE_ENV === 'development',
    log: serviceLog(env, logger),
  });
  const rateLimits = new RateLimiter(db, {
    enabled: env.RATE_LIMIT_ENABLED,
    windowSeconds: env.RATE_LIMIT_WINDOW_SECONDS,
    caps: {
      login: { perIp: env.RATE_LIMIT_LOGIN_PER_IP, perEmail: env.RATE_LIMIT_LOGIN_PER_EMAIL },
      register: { perIp: env.RATE_LIMIT_REGISTER_PER_IP, perEmail: env.RATE_LIMIT_REGISTER_PER_EMAIL },
      resend: { perIp: env.RATE_LIMIT_RESEND_PER_IP, perEmail: env.RATE_LIMIT_RESEND_PER_EMAIL },
      forget: { perIp: env.RATE_LIMIT_FORGET_PER_IP, perEmail: env.RATE_LIMIT_FORGET_PER_EMAIL },
      verify: { perIp: env.RATE_LIMIT_VERIFY_PER_IP, perEmail: env.RATE_LIMIT_VERIFY_PER_EMAIL },
      reset: { perIp: env.RATE_LIMIT_RESET_PER_IP, perEmail: env.RATE_LIMIT_RESET_PER_EMAIL },
    },
    lockout: { failures: env.LOGIN_LOCKOUT_FAILURES, seconds: env.LOGIN_LOCKOUT_MINUTES * 60 },
  });
  const contentCache = new ContentCache(db, env.CONTENT_CACHE_ENTRIES);
  const log = serviceLog(env, logger);
  const events = new EventHub({
    db,
    notifications,
    maxSubscribers: env.EVENTS_MAX_SUBSCRIBERS,
    log: { warn: (message, error) => log.error(message, error) },
  });
  return { settings, storage, passwords, mail, rateLimits, contentCache, events };
}
