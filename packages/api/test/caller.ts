/**
 * Procedure-level tests: the app router called through `createCaller` with a real database (this test
 * file's copy of the migrated template, PGlite or PostgreSQL by vitest project) and real services —
 * no HTTP in between.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { NewUser } from '@lectern/db';
import { openTestDb, type TestDb } from '@lectern/db/testing';
import type { ApiConfig } from '../src/config.ts';
import type { AuthUser, ContentKeyPrincipal, Context, Services } from '../src/context.ts';
import { appRouter } from '../src/router.ts';
import { ContentCache } from '../src/shared/content-cache.ts';
import { EventHub } from '../src/shared/event-hub.ts';
import { MailService } from '../src/shared/mail.ts';
import { PasswordHasher } from '../src/shared/passwords.ts';
import { RateLimiter } from '../src/shared/rate-limits.ts';
import { SettingsService } from '../src/shared/settings.ts';
import { LocalDiskStorage } from '../src/shared/storage.ts';
import { createCallerFactory } from '../src/trpc.ts';

const baseConfig: ApiConfig = {
  nodeEnv: 'test',
  version: '0.0.0-test',
  jwtSecret: 'procedure-tests-secret-0123456789-0123456789',
  accessTokenTtlSeconds: 3600,
  refreshTokenTtlSeconds: 86_400,
  publicUrl: undefined,
  refreshRotation: true,
  refreshReuseGraceSeconds: 10,
  otpTtlMinutes: 10,
  otpMaxAttempts: 5,
  otpResendCooldownSeconds: 60,
  revisionsKept: 50,
  webhookAllowPrivate: false,
  imageMaxPixels: 50_000_000,
};

const createCaller = createCallerFactory(appRouter);

export interface Procedures {
  testDb: TestDb;
  services: Services;
  config: ApiConfig;
  /** The app router as `user` calls it (anonymous when null). */
  as(user: AuthUser | null): ReturnType<typeof createCaller>;
  /** The app router as a request with a content key calls it. */
  asKey(key: ContentKeyPrincipal): ReturnType<typeof createCaller>;
  /** A verified user inserted directly (no password flow). */
  user(fields?: Partial<NewUser>): Promise<AuthUser>;
  close(): Promise<void>;
}

export async function openProcedures(overrides: Partial<ApiConfig> = {}): Promise<Procedures> {
  const config: ApiConfig = { ...baseConfig, ...overrides };
  const testDb = await openTestDb();
  const db = testDb.db;
  const dataDir = await mkdtemp(path.join(tmpdir(), 'lectern-api-'));
  const settings = new SettingsService(db, 0, {
    maintenance: false,
    allow_registration: false,
    anonymous_read: false,
  });
  await settings.ensure();
  const services: Services = {
    settings,
    storage: new LocalDiskStorage(path.join(dataDir, 'media')),
    passwords: new PasswordHasher('fast'),
    mail: new MailService({
      from: 'Lectern <test@localhost>',
      outboxDir: path.join(dataDir, 'outbox'),
      logOutbox: false,
      log: { info: () => {}, error: () => {} },
    }),
    rateLimits: new RateLimiter(db, {
      enabled: false,
      windowSeconds: 60,
      caps: Object.fromEntries(
        ['login', 'register', 'resend', 'forget', 'verify', 'reset'].map((a) => [
          a,
          { perIp: 1, perEmail: 1 },
        ]),
      ) as RateLimiter['config']['caps'],
      lockout: { failures: 5, seconds: 60 },
    }),
    contentCache: new ContentCache(db, 0),
    events: new EventHub({ db, notifications: testDb.notifications, maxSubscribers: 100 }),
  };
  const context = (user: AuthUser | null, contentKey: ContentKeyPrincipal | null = null): Context => ({
    db,
    config,
    services,
    request: { ip: '127.0.0.1', baseUrl: 'http://lectern.test' },
    user,
    contentKey,
    tokenRejected: false,
    http: { headers: {} },
  });
  return {
    testDb,
    services,
    config,
    as: (user) => createCaller(context(user)),
    asKey: (key) => createCaller(context(null, key)),
    async user(fields = {}) {
      const tag = randomUUID().slice(0, 8);
      return db
        .insertInto('users')
        .values({
          email: `${tag}@test.lectern`,
          username: `user_${tag}`,
          slug: `user-${tag}`,
          password_hash: 'not-a-login-account',
          is_verified: true,
          ...fields,
        })
        .returning(['id', 'email', 'username', 'slug', 'is_verified', 'is_staff', 'is_superuser'])
        .executeTakeFirstOrThrow();
    },
    async close() {
      services.mail.close();
      await services.events.close();
      await testDb.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
