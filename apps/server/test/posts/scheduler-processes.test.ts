/**
 * The publishing scheduler in real server processes, with no request arriving when a post falls due.
 *
 * PGlite: one process owns the data folder, so the scheduler is shown running inside that server
 * process. PostgreSQL: a post scheduled through one process is published by another; two schedulers
 * race over 150 posts falling due at the same moment and each is published exactly once; after both
 * are killed, posts that fell due meanwhile are published by the next process's first pass, dated at
 * their scheduled time.
 */
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { openTestDb, type TestDb } from '@lectern/db/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, insertUser, TEST_JWT_SECRET } from '../helpers.ts';
import { type ServerProc, startServer, stopServer } from '../server-process.ts';

const onPostgres = process.env.LECTERN_TEST_DB === 'postgres';
const PUBLISHED = 'published scheduled posts';

/** The post ids of each "published scheduled posts" line a process logged. */
function publications(proc: ServerProc): number[][] {
  const passes: number[][] = [];
  for (const line of proc.output().split('\n')) {
    if (!line.includes(PUBLISHED)) continue;
    const entry = JSON.parse(line) as { msg: string; ids: number[] };
    if (entry.msg === PUBLISHED) passes.push(entry.ids);
  }
  return passes;
}

/** Waits, sending no request to any server, until `done` holds (checked every 200 ms, up to 60 s). */
async function waitFor(done: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

async function kill(procs: ServerProc[]): Promise<void> {
  for (const proc of procs) {
    if (proc.child.exitCode === null && proc.child.signalCode === null) {
      proc.child.kill('SIGKILL');
      await once(proc.child, 'exit');
    }
  }
}

interface PostBody {
  id: number;
  slug: string;
  is_published: boolean;
  published_at: string | null;
  publish_at: string | null;
  updated_at: string;
}

describe.runIf(!onPostgres)('the scheduler inside a PGlite server process', { timeout: 180_000 }, () => {
  let dataDir: string;
  let proc: ServerProc | undefined;
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'lectern-scheduler-'));
  });
  afterAll(async () => {
    if (proc) await kill([proc]);
    await rm(dataDir, { recursive: true, force: true });
  });

  it('publishes a post scheduled 2 s ahead at its time without any request, and never logs a content key', async () => {
    const admin = { email: 'editor@example.com', password: 'Scheduler-Test-Passphrase-9' };
    proc = await startServer({
      NODE_ENV: 'test',
      LOG_FORMAT: 'json',
      PASSWORD_HASH_PROFILE: 'fast',
      DATA_DIR: dataDir,
      JWT_SECRET: TEST_JWT_SECRET,
      ADMIN_EMAIL: admin.email,
      ADMIN_PASSWORD: admin.password,
    });
    const server = proc;
    const call = async (method: string, url: string, token?: string, body?: object) => {
      const res = await fetch(`${server.url}${url}`, {
        method,
        headers: {
          ...(token ? bearer(token) : {}),
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    const login = await call('POST', '/api/users/login/', undefined, admin);
    expect(login.status).toBe(200);
    const token = String(login.body.access);

    // A content key in the query string: used, but never written to the log.
    const key = String((await call('POST', '/api/content-keys/', token, { name: 'Site' })).body.key);
    expect((await call('GET', `/api/posts/?key=${key}&page_size=1`)).status).toBe(200);

    const publishAt = new Date(Date.now() + 2000);
    const created = await call('POST', '/api/posts/', token, {
      title: 'Two seconds from now',
      publish_at: publishAt.toISOString(),
    });
    expect(created.status).toBe(201);
    const post = created.body as unknown as PostBody;
    expect(post.is_published).toBe(false);

    // No request until the server says it has published the post.
    await waitFor(() => publications(server).some((ids) => ids.includes(post.id)), 'the publication');
    const after = (await call('GET', `/api/posts/${post.slug}/`, token)).body as unknown as PostBody;
    expect(after).toMatchObject({
      is_published: true,
      publish_at: null,
      published_at: publishAt.toISOString(),
    });
    // The scheduler's write dates the post: at its time, within the ±5 s the issue allows.
    const lateness = new Date(after.updated_at).getTime() - publishAt.getTime();
    console.log(`[scheduler, PGlite] published ${lateness} ms after its time`);
    expect(lateness).toBeGreaterThanOrEqual(0);
    expect(lateness).toBeLessThan(5000);

    expect(server.output()).not.toContain(key);
    expect(server.output()).not.toContain(key.slice(3));
  });
});

describe.runIf(onPostgres)(
  'schedulers in several server processes on one PostgreSQL',
  { timeout: 240_000 },
  () => {
    let testDb: TestDb;
    let dataDir: string;
    const procs: ServerProc[] = [];
    let env: Record<string, string>;

    beforeAll(async () => {
      testDb = await openTestDb();
      dataDir = await mkdtemp(path.join(tmpdir(), 'lectern-schedulers-'));
      env = {
        NODE_ENV: 'production',
        LOG_FORMAT: 'json',
        WORKERS: '1',
        DATABASE_URL: testDb.databaseUrl ?? '',
        JWT_SECRET: TEST_JWT_SECRET,
        DATA_DIR: dataDir,
      };
    });
    afterAll(async () => {
      await kill(procs);
      await testDb.close();
      await rm(dataDir, { recursive: true, force: true });
    });

    const publishRevisions = async (ids: number[]) =>
      testDb.db
        .selectFrom('post_revisions')
        .select(['post_id', sql<number>`count(*)::int`.as('n')])
        .where('kind', '=', 'publish')
        .where('post_id', 'in', ids)
        .groupBy('post_id')
        .execute();

    it('a post scheduled through one process is published by another, with no request, once', async () => {
      const [front, scheduler] = await Promise.all([
        startServer({ ...env, PUBLISH_SCHEDULER: 'false' }),
        startServer({ ...env, PUBLISH_SCHEDULER_INTERVAL_MS: '200', PUBLISH_SCHEDULER_BATCH_SIZE: '5' }),
      ]);
      if (!front || !scheduler) throw new Error('servers did not start');
      procs.push(front, scheduler);
      const author = await insertUser(testDb);
      const publishAt = new Date(Date.now() + 2000);
      const res = await fetch(`${front.url}/api/posts/`, {
        method: 'POST',
        headers: { ...bearer(author.token), 'content-type': 'application/json' },
        body: JSON.stringify({ title: 'Scheduled elsewhere', publish_at: publishAt.toISOString() }),
      });
      expect(res.status).toBe(201);
      const post = (await res.json()) as PostBody;

      await waitFor(() => publications(scheduler).some((ids) => ids.includes(post.id)), 'the publication');
      const row = await testDb.db
        .selectFrom('posts')
        .select(['is_published', 'published_at', 'publish_at', 'updated_at'])
        .where('id', '=', post.id)
        .executeTakeFirstOrThrow();
      expect(row).toMatchObject({ is_published: true, publish_at: null, published_at: publishAt });
      const lateness = row.updated_at.getTime() - publishAt.getTime();
      console.log(`[scheduler, PostgreSQL] published ${lateness} ms after its time by the other process`);
      expect(lateness).toBeGreaterThanOrEqual(0);
      expect(lateness).toBeLessThan(5000);
      expect(publications(front), 'the front process runs no scheduler').toEqual([]);
      expect(await publishRevisions([post.id])).toEqual([{ post_id: post.id, n: 1 }]);
    });

    it('two schedulers racing over 150 posts due at once publish each exactly once', async () => {
      // Small batches, so that both schedulers are at work while the posts are being published.
      const rival = await startServer({
        ...env,
        PUBLISH_SCHEDULER_INTERVAL_MS: '200',
        PUBLISH_SCHEDULER_BATCH_SIZE: '5',
      });
      procs.push(rival);
      const schedulers = procs.filter((p) => p !== procs[0]);
      const before = schedulers.map((p) => publications(p).flat().length);
      const author = await insertUser(testDb);
      const rows = await testDb.db
        .insertInto('posts')
        .values(
          Array.from({ length: 150 }, (_, i) => ({
            author_id: author.id,
            title: `Race ${i}`,
            slug: `race-${i}-${author.slug}`,
            publish_at: sql<Date>`date_trunc('second', now()) + interval '3 seconds'`,
          })),
        )
        .returning('id')
        .execute();
      const ids = rows.map((r) => r.id);

      await waitFor(async () => {
        const left = await testDb.db
          .selectFrom('posts')
          .select(sql<number>`count(*)::int`.as('n'))
          .where('id', 'in', ids)
          .where('is_published', '=', false)
          .executeTakeFirstOrThrow();
        return left.n === 0;
      }, 'all 150 publications');

      const counts = await publishRevisions(ids);
      expect(counts).toHaveLength(150);
      expect(counts.every((c) => c.n === 1)).toBe(true);
      const byProcess = schedulers.map((p, i) => publications(p).flat().slice(before[i]));
      const logged = byProcess.flat();
      expect(new Set(logged).size, 'no id logged by two processes').toBe(logged.length);
      expect([...logged].sort((a, b) => a - b)).toEqual([...ids].sort((a, b) => a - b));
      console.log(
        `[scheduler race] posts published per process: ${byProcess.map((l) => l.length).join(' / ')}`,
      );
    });

    it('after every scheduler is killed, posts that fell due meanwhile are published by the next start, dated on schedule', async () => {
      await kill(procs);
      const author = await insertUser(testDb);
      const rows = await testDb.db
        .insertInto('posts')
        .values(
          [1, 2, 3].map((i) => ({
            author_id: author.id,
            title: `Missed ${i}`,
            slug: `missed-${i}-${author.slug}`,
            publish_at: sql<Date>`date_trunc('second', now()) - make_interval(secs => ${10 * i})`,
          })),
        )
        .returning(['id', 'publish_at'])
        .execute();
      const next = await startServer({ ...env });
      procs.push(next);
      const ids = rows.map((r) => r.id);
      await waitFor(() => publications(next).flat().length >= 3, 'the catch-up pass');
      expect([...publications(next).flat()].sort((a, b) => a - b)).toEqual([...ids].sort((a, b) => a - b));
      const after = await testDb.db
        .selectFrom('posts')
        .select(['id', 'published_at'])
        .where('id', 'in', ids)
        .orderBy('id')
        .execute();
      expect(after.map((r) => r.published_at)).toEqual(rows.map((r) => r.publish_at));
      expect(await stopServer(next), 'stops cleanly with its scheduler').toBe(0);
    });
  },
);
