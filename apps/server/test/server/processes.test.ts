/**
 * Real server processes on one PostgreSQL database: settings and rate-limit counters are shared between instances through the
 * database; SIGTERM shuts down cleanly; the production cluster restarts a worker that dies.
 * PostgreSQL only: PGlite lives inside a single process by design.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { signAccessToken } from '@lectern/api/testing';
import { openTestDb, type TestDb } from '@lectern/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertUser, TEST_JWT_SECRET } from '../helpers.ts';
import { type ServerProc as Proc, startServer, stopServer as stop } from '../server-process.ts';

const onPostgres = process.env.LECTERN_TEST_DB === 'postgres';

function childPids(pid: number): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(pid), '-f', 'main.ts'], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

// Starting tsx processes takes seconds each, more on a loaded 2-core machine.
describe.runIf(onPostgres)('server processes on one PostgreSQL', { timeout: 120_000 }, () => {
  let testDb: TestDb;
  let dataDir: string;
  let common: Record<string, string>;
  const procs: Proc[] = [];

  beforeAll(async () => {
    testDb = await openTestDb();
    dataDir = await mkdtemp(path.join(tmpdir(), 'lectern-proc-'));
    common = {
      DATABASE_URL: testDb.databaseUrl ?? '',
      JWT_SECRET: TEST_JWT_SECRET,
      DATA_DIR: dataDir,
      SETTINGS_CACHE_MS: '1000',
    };
  });
  afterAll(async () => {
    for (const p of procs) await stop(p, 'SIGKILL');
    await testDb.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('a second instance sees maintenance switched on through the first (within the cache time); rate limits count across both', async () => {
    const limits = { RATE_LIMIT_LOGIN_PER_EMAIL: '4' };
    const a = await startServer({ ...common, ...limits, NODE_ENV: 'development' });
    const b = await startServer({ ...common, ...limits, NODE_ENV: 'development' });
    procs.push(a, b);

    // Login attempts for one address, alternating between the instances: the counters live in the
    // database, so the fifth attempt is refused whichever instance gets it.
    const login = (url: string) =>
      fetch(`${url}/api/users/login/`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'nobody-shared@test.lectern', password: 'wrong password 1' }),
      });
    for (const url of [a.url, b.url, a.url, b.url]) expect((await login(url)).status).not.toBe(429);
    const refused = await login(a.url);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
    expect((await login(b.url)).status).toBe(429);

    const admin = await insertUser(testDb, { is_superuser: true });
    const patch = await fetch(`${a.url}/api/system/settings/`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${admin.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ maintenance: true }),
    });
    expect(patch.status).toBe(200);

    const deadline = Date.now() + 5_000;
    let seen: Response | undefined;
    while (Date.now() < deadline) {
      const res = await fetch(`${b.url}/health-check/`);
      if (res.status === 503) {
        seen = res;
        break;
      }
      await sleep(100);
    }
    expect(seen, 'instance B never saw maintenance mode').toBeDefined();
    expect(await seen?.json()).toEqual({
      detail: 'The site is under maintenance. Please try again later.',
      key: 'MAINTENANCE_MODE',
      CODE: 'MAT503',
    });

    // Switch it back through B; A follows.
    const off = await fetch(`${b.url}/api/system/settings`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${admin.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ maintenance: false }),
    });
    expect(off.status).toBe(200);
    await expect
      .poll(async () => (await fetch(`${a.url}/health-check`)).status, { timeout: 5_000, interval: 100 })
      .toBe(200);

    expect(await stop(a)).toBe(0);
    expect(a.output()).toContain('shutting down');
    expect(await stop(b)).toBe(0);
  });

  it('in production, runs WORKERS processes and replaces one that dies', async () => {
    const prod = await startServer({ ...common, NODE_ENV: 'production', WORKERS: '2' });
    procs.push(prod);
    const primary = prod.child.pid ?? 0;
    await expect.poll(() => childPids(primary).length, { timeout: 15_000 }).toBe(2);
    const [victim] = childPids(primary);
    process.kill(victim ?? 0, 'SIGKILL');
    await expect
      .poll(() => childPids(primary).filter((p) => p !== victim).length, { timeout: 15_000, interval: 200 })
      .toBe(2);
    await expect
      .poll(async () => (await fetch(`${prod.url}/health-check/`)).status, { timeout: 15_000 })
      .toBe(200);
    // Tokens signed with the configured secret work on every worker.
    const admin = await insertUser(testDb, { is_superuser: true });
    const token = await signAccessToken(TEST_JWT_SECRET, admin.id, 60);
    for (let i = 0; i < 4; i++) {
      const res = await fetch(`${prod.url}/api/system/settings`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(res.status).toBe(200);
    }
    expect(await stop(prod)).toBe(0);
    expect(prod.output()).toContain('starting another');
  });
});
