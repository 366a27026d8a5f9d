/**
 * The database goes away for ~8 s under load and comes back: a production cluster (WORKERS=2) and a
 * single development process, on a PostgreSQL server of this test's own (own-postgres.ts), stopped
 * with `pg_ctl stop -m fast` while readers and a writer keep calling. Every process must stay up,
 * answer 503 DATABASE_UNAVAILABLE (with Retry-After) quickly instead of hanging or failing with 500,
 * report the outage on /health-check/, recover by itself, and lose no acknowledged write.
 * Run once, in the postgres project (it brings its own server).
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { signAccessToken } from '@lectern/api/testing';
import { createDb, type Database, migrateToLatest } from '@lectern/db';
import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_JWT_SECRET } from '../helpers.ts';
import { createOwnPostgres, type OwnPostgres } from '../own-postgres.ts';
import { type ServerProc, startServer, stopServer } from '../server-process.ts';

const onPostgres = process.env.LECTERN_TEST_DB === 'postgres';

interface Sample {
  server: string;
  kind: 'read' | 'write' | 'health';
  /** ms since the test's clock started, when the request was sent / answered. */
  sentAt: number;
  doneAt: number;
  status: number;
  body: unknown;
  retryAfter: string | null;
}

/** The worker processes of a primary (its children running main.ts; tsx may have an esbuild child too). */
function childPids(pid: number): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(pid), '-f', 'main.ts'], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map(Number)
      .sort();
  } catch {
    return [];
  }
}

/** Status codes answered by each worker pid (from the JSON request logs), in order. */
function statusesByPid(output: string): Map<number, number[]> {
  const byPid = new Map<number, number[]>();
  for (const line of output.split('\n')) {
    if (!line.startsWith('{')) continue;
    const entry = JSON.parse(line) as { pid?: number; res?: { statusCode?: number } };
    if (entry.pid === undefined || entry.res?.statusCode === undefined) continue;
    byPid.set(entry.pid, [...(byPid.get(entry.pid) ?? []), entry.res.statusCode]);
  }
  return byPid;
}

describe.runIf(onPostgres)('database outage under load', { timeout: 240_000 }, () => {
  let pg: OwnPostgres;
  let db: Kysely<Database>;
  let dataDir: string;
  const procs: ServerProc[] = [];

  beforeAll(async () => {
    pg = await createOwnPostgres();
    await pg.start();
    const admin = createDb({ databaseUrl: pg.url(), poolSize: 1 });
    await sql`CREATE DATABASE lectern`.execute(admin.db);
    await admin.db.destroy();
    db = createDb({ databaseUrl: pg.url('lectern'), poolSize: 2 }).db;
    await migrateToLatest(db);
    dataDir = await mkdtemp(path.join(tmpdir(), 'lectern-outage-'));
  });
  afterAll(async () => {
    for (const p of procs) await stopServer(p, 'SIGKILL');
    await db?.destroy();
    await pg?.destroy();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('keeps every process up, answers 503 DATABASE_UNAVAILABLE fast, recovers alone, loses no acknowledged write', async () => {
    const common = {
      DATABASE_URL: pg.url('lectern'),
      JWT_SECRET: TEST_JWT_SECRET,
      DATA_DIR: dataDir,
      MIGRATE_ON_START: 'false',
      HOUSEKEEPING_INTERVAL_SECONDS: '0',
    };
    const [prod, dev] = await Promise.all([
      startServer({ ...common, NODE_ENV: 'production', WORKERS: '2' }),
      startServer({ ...common, NODE_ENV: 'development' }),
    ]);
    if (!prod || !dev) throw new Error('servers did not start');
    procs.push(prod, dev);
    const primary = prod.child.pid ?? 0;
    await expect.poll(() => childPids(primary).length, { timeout: 20_000 }).toBe(2);
    const workers = childPids(primary);

    const user = await db
      .insertInto('users')
      .values({
        email: 'writer@test.lectern',
        username: 'writer',
        slug: 'writer-1',
        password_hash: 'not-a-login-account',
        is_verified: true,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const auth = { authorization: `Bearer ${await signAccessToken(TEST_JWT_SECRET, user.id, 3600)}` };

    const t0 = performance.now();
    const now = () => performance.now() - t0;
    const samples: Sample[] = [];
    const acknowledged: string[] = [];
    let running = true;
    const call = async (server: ServerProc, kind: Sample['kind'], url: string, init: RequestInit = {}) => {
      const sentAt = now();
      let status = 0;
      let body: unknown = null;
      let retryAfter: string | null = null;
      try {
        // Far above the 2 s bound: a request that hangs shows up as status 0, not as a stuck test.
        // A new connection per request: the cluster hands connections to workers in turn, so both workers
        // get requests (a kept-alive connection would stay with one worker for the whole test).
        const headers = { ...(init.headers as Record<string, string> | undefined), connection: 'close' };
        const res = await fetch(`${server.url}${url}`, {
          ...init,
          headers,
          signal: AbortSignal.timeout(10_000),
        });
        status = res.status;
        retryAfter = res.headers.get('retry-after');
        const text = await res.text();
        body = text ? JSON.parse(text) : null;
      } catch (error) {
        body = String(error);
      }
      const sample = {
        server: server === prod ? 'prod' : 'dev',
        kind,
        sentAt,
        doneAt: now(),
        status,
        body,
        retryAfter,
      };
      samples.push(sample);
      return sample;
    };
    const reader = async (server: ServerProc, n: number) => {
      while (running) {
        if (n % 2 === 0) await call(server, 'read', '/api/posts/?page_size=5', { headers: auth });
        else await call(server, 'read', '/api/categories/');
        await sleep(40);
      }
    };
    let written = 0;
    const writer = async (server: ServerProc) => {
      while (running) {
        const title = `outage ${server === prod ? 'p' : 'd'} ${written++}`;
        const res = await call(server, 'write', '/api/posts/', {
          method: 'POST',
          headers: { ...auth, 'content-type': 'application/json' },
          body: JSON.stringify({ title, body: '<p>kept</p>', is_published: true }),
        });
        if (res.status === 201) acknowledged.push((res.body as { slug: string }).slug);
        await sleep(150);
      }
    };
    const health = async (server: ServerProc) => {
      while (running) {
        await call(server, 'health', '/health-check/');
        await sleep(250);
      }
    };
    // Several concurrent readers per server: separate connections, so both workers get traffic.
    const loops = [prod, dev].flatMap((s) => [
      reader(s, 0),
      reader(s, 1),
      reader(s, 2),
      reader(s, 3),
      writer(s),
      health(s),
    ]);

    await sleep(2_500);
    const writtenBefore = acknowledged.length;
    const stopIssued = now();
    await pg.stop();
    const stopped = now();
    await sleep(8_000);
    const startIssued = now();
    await pg.start();
    const started = now();
    await sleep(8_000);
    running = false;
    await Promise.all(loops);

    // No process died: same primary, same two workers, no restart.
    expect(prod.child.exitCode).toBeNull();
    expect(dev.child.exitCode).toBeNull();
    expect(childPids(primary)).toEqual(workers);
    expect(prod.output()).not.toContain('worker died');

    // Every answer is a success or the documented outage answer; none hung, none is a 500.
    for (const s of samples) {
      if (s.status === 200 || s.status === 201) continue;
      expect(s.status, JSON.stringify(s)).toBe(503);
      expect(s.doneAt - s.sentAt, JSON.stringify(s)).toBeLessThan(2_000);
      if (s.kind === 'health') {
        expect(s.body).toEqual({ status: 'unhealthy', maintenance: false, database: 'unavailable' });
      } else {
        expect(s.body).toEqual({ detail: expect.any(String), code: 'DATABASE_UNAVAILABLE' });
        expect(Number(s.retryAfter), JSON.stringify(s)).toBeGreaterThan(0);
      }
    }

    const report: Record<string, unknown> = {};
    for (const server of ['prod', 'dev']) {
      const mine = samples.filter((s) => s.server === server && s.kind !== 'write');
      // While the server was down, nothing succeeded (the outage was real) and every kind of call saw it.
      const during = mine.filter((s) => s.sentAt > stopped + 1_000 && s.doneAt < startIssued);
      expect(during.length, server).toBeGreaterThan(10);
      expect(
        during.filter((s) => s.status !== 503),
        server,
      ).toEqual([]);
      expect(during.some((s) => s.kind === 'health')).toBe(true);
      const first503 = mine.find((s) => s.status === 503 && s.sentAt >= stopIssued);
      const firstOkAfter = mine.find((s) => s.status === 200 && s.sentAt >= started);
      const last503 = mine.filter((s) => s.status === 503).at(-1);
      expect(first503, server).toBeDefined();
      expect(firstOkAfter, server).toBeDefined();
      // Recovery without a restart, within a few seconds of the database's return.
      expect((firstOkAfter?.doneAt ?? Number.POSITIVE_INFINITY) - started, server).toBeLessThan(5_000);
      expect((last503?.doneAt ?? 0) - started, server).toBeLessThan(5_000);
      // …and it stays recovered.
      expect(
        mine.filter((s) => s.sentAt > started + 5_000 && s.status !== 200),
        server,
      ).toEqual([]);
      const outage = mine.filter((s) => s.status === 503);
      report[server] = {
        firstUnavailableAfterStopMs: Math.round((first503?.doneAt ?? 0) - stopIssued),
        firstOkAfterRestartMs: Math.round((firstOkAfter?.doneAt ?? 0) - started),
        lastUnavailableAfterRestartMs: Math.round((last503?.doneAt ?? 0) - started),
        responses503: outage.length,
        slowest503Ms: Math.round(Math.max(...outage.map((s) => s.doneAt - s.sentAt))),
      };
    }

    // Both workers saw the outage and both came back (their own request logs say so).
    const byPid = statusesByPid(prod.output());
    for (const pid of workers) {
      const statuses = byPid.get(pid) ?? [];
      expect(statuses, `worker ${pid}`).toContain(503);
      expect([200, 201], `worker ${pid} ended on ${statuses.at(-1)}`).toContain(statuses.at(-1));
    }

    // Every write acknowledged with 201 is in the database, the ones before the outage included.
    expect(writtenBefore).toBeGreaterThan(0);
    const stored = await db.selectFrom('posts').select('slug').where('slug', 'in', acknowledged).execute();
    expect(stored.map((r) => r.slug).sort()).toEqual([...acknowledged].sort());

    console.log(
      `database outage: pg_ctl stop took ${Math.round(stopped - stopIssued)} ms, start ${Math.round(started - startIssued)} ms; ${samples.length} requests, ${acknowledged.length} writes acknowledged (${writtenBefore} before the outage)\n${JSON.stringify(report, null, 2)}`,
    );
    expect(await stopServer(prod)).toBe(0);
    expect(await stopServer(dev)).toBe(0);
  });
});
