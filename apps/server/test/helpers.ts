import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Services } from '@lectern/api';
import { signAccessToken } from '@lectern/api/testing';
import type { NewUser } from '@lectern/db';
import { openTestDb, type TestDb } from '@lectern/db/testing';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/app.ts';
import { apiConfigFrom } from '../src/config.ts';
import { type Env, loadEnv } from '../src/env.ts';
import { createServices } from '../src/services.ts';

export const TEST_JWT_SECRET = 'test-secret-0123456789-0123456789-0123456789';

export interface TestApp {
  app: FastifyInstance;
  env: Env;
  services: Services;
  testDb: TestDb;
  dataDir: string;
  close(): Promise<void>;
}

/** The environment a test server runs with: quiet logs, no settings cache, a private data folder. */
export function testEnv(dataDir: string, overrides: Record<string, string> = {}): Env {
  return loadEnv({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATA_DIR: dataDir,
    JWT_SECRET: TEST_JWT_SECRET,
    SETTINGS_CACHE_MS: '0',
    ...overrides,
  });
}

/** A Fastify app on this file's own migrated database (PGlite or PostgreSQL, by vitest project). */
export async function createTestApp(
  overrides: Record<string, string> = {},
  testDb?: TestDb,
): Promise<TestApp> {
  const db = testDb ?? (await openTestDb());
  const dataDir = await mkdtemp(path.join(tmpdir(), 'lectern-data-'));
  const env = testEnv(dataDir, overrides);
  const services = await createServices(db.db, env, undefined, db.notifications);
  const app = await buildApp({ env, config: apiConfigFrom(env, TEST_JWT_SECRET), db: db.db, services });
  await app.ready();
  return {
    app,
    env,
    services,
    testDb: db,
    dataDir,
    async close() {
      await app.close();
      if (!testDb) await db.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Inserts a user directly (no password flow) and returns a valid access token for it. */
export async function insertUser(
  db: TestDb,
  fields: Partial<NewUser> = {},
): Promise<{ id: number; email: string; slug: string; token: string }> {
  const tag = randomUUID().slice(0, 8);
  const row = await db.db
    .insertInto('users')
    .values({
      email: `${tag}@test.lectern`,
      username: `user_${tag}`,
      slug: `user-${tag}-${tag}`,
      password_hash: 'not-a-login-account',
      is_verified: true,
      ...fields,
    })
    .returning(['id', 'email', 'slug'])
    .executeTakeFirstOrThrow();
  return { ...row, token: await signAccessToken(TEST_JWT_SECRET, row.id, 3600) };
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
