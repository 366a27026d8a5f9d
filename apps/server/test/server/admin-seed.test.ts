/**
 * ADMIN_EMAIL / ADMIN_PASSWORD seed the first superuser on PostgreSQL too, and processes starting at
 * once (a cluster's workers, another instance) create exactly one.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PasswordHasher } from '@lectern/api';
import { createDb } from '@lectern/db';
import { openTestDb, type TestDb } from '@lectern/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedAdmin } from '../../src/admin.ts';
import { STRONG } from '../accounts-helpers.ts';
import { TEST_JWT_SECRET, testEnv } from '../helpers.ts';
import { type ServerProc, startServer, stopServer } from '../server-process.ts';

const onPostgres = process.env.LECTERN_TEST_DB === 'postgres';
const quiet = { info() {}, warn() {} };

async function superusers(db: TestDb) {
  return db.db
    .selectFrom('users')
    .select(['email', 'is_staff', 'is_verified'])
    .where('is_superuser', '=', true)
    .execute();
}

describe.runIf(onPostgres)('first superuser on PostgreSQL', { timeout: 120_000 }, () => {
  let dataDir: string;
  const procs: ServerProc[] = [];
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'lectern-seed-'));
  });
  afterAll(async () => {
    for (const p of procs) await stopServer(p, 'SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
  });

  it('is not created without ADMIN_PASSWORD; with it, six concurrent seeds on separate connections make exactly one', async () => {
    const testDb = await openTestDb();
    const handles = Array.from({ length: 6 }, () =>
      createDb({ databaseUrl: testDb.databaseUrl, poolSize: 1 }),
    );
    try {
      const unset = testEnv(dataDir, { ADMIN_EMAIL: 'boss@example.com' });
      const passwords = new PasswordHasher('fast');
      expect(await seedAdmin(testDb.db, passwords, unset, quiet, { generatePasswordIfUnset: false })).toBe(
        false,
      );
      expect(await superusers(testDb)).toEqual([]);

      const env = testEnv(dataDir, { ADMIN_EMAIL: 'boss@example.com', ADMIN_PASSWORD: STRONG });
      const results = await Promise.all(
        handles.map(({ db }) => seedAdmin(db, passwords, env, quiet, { generatePasswordIfUnset: false })),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await superusers(testDb)).toEqual([
        { email: 'boss@example.com', is_staff: true, is_verified: true },
      ]);
    } finally {
      for (const { db } of handles) await db.destroy();
      await testDb.close();
    }
  });

  it('a production cluster and a second instance starting at once create one superuser, who can log in', async () => {
    const testDb = await openTestDb();
    try {
      const common = {
        DATABASE_URL: testDb.databaseUrl ?? '',
        JWT_SECRET: TEST_JWT_SECRET,
        DATA_DIR: dataDir,
        ADMIN_EMAIL: 'root@example.com',
        ADMIN_USERNAME: 'root',
        ADMIN_PASSWORD: STRONG,
        HOUSEKEEPING_INTERVAL_SECONDS: '0',
      };
      const started = await Promise.all([
        startServer({ ...common, NODE_ENV: 'production', WORKERS: '2' }),
        startServer({ ...common, NODE_ENV: 'development' }),
      ]);
      procs.push(...started);
      const [cluster] = started;
      expect(await superusers(testDb)).toEqual([
        { email: 'root@example.com', is_staff: true, is_verified: true },
      ]);
      const login = await fetch(`${cluster?.url}/api/users/login/`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'root@example.com', password: STRONG }),
      });
      expect(login.status).toBe(200);
      expect(((await login.json()) as { user: { is_superuser: boolean } }).user.is_superuser).toBe(true);
      const logs = started.map((p) => p.output()).join('\n');
      expect(logs.match(/created the first superuser from ADMIN_EMAIL/g)).toHaveLength(1);
      expect(logs).not.toContain(STRONG);
      for (const p of started) expect(await stopServer(p)).toBe(0);
    } finally {
      await testDb.close();
    }
  });
});
