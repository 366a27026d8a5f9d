/**
 * The content cache never serves stale content: the content version moves at the commit of every
 * content write (whoever makes it), a read issued after a write is acknowledged sees it, and ETags
 * only validate what the client would get anyway.
 *
 * On both databases through app.inject; and, on PostgreSQL, with two real server processes sharing
 * one database: writes through one, reads through the other, with the reader's cache kept hot.
 */
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ContentCache } from '@lectern/api';
import { openTestDb, type TestDb } from '@lectern/db/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestApp, insertUser, TEST_JWT_SECRET, type TestApp } from '../helpers.ts';
import { type ServerProc as Proc, startServer } from '../server-process.ts';

const onPostgres = process.env.LECTERN_TEST_DB === 'postgres';

interface ListBody {
  count: number;
  results: Array<{ slug: string; title: string }>;
}

const versionOf = async (db: TestDb) =>
  Number((await db.db.selectFrom('content_version').select('version').executeTakeFirstOrThrow()).version);

describe('content version', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('moves once per committed content write, and not for writes the lists never show', async () => {
    const db = t.testDb;
    const start = await versionOf(db);
    const author = await insertUser(db);
    expect(await versionOf(db), 'a new user shows in no list').toBe(start);

    await db.db.transaction().execute(async (tx) => {
      await tx.insertInto('categories').values({ name: 'Alpha', slug: 'alpha' }).execute();
      await tx
        .insertInto('posts')
        .values(
          [1, 2, 3].map((i) => ({ author_id: author.id, title: `T${i}`, slug: `t-${i}-${author.slug}` })),
        )
        .execute();
      // Not visible outside the transaction until it commits (PGlite has one connection: the
      // transaction's own).
      if (db.kind === 'postgres') expect(await versionOf(db)).toBe(start);
    });
    expect(await versionOf(db), 'one transaction, one bump').toBe(start + 1);

    await db.db
      .transaction()
      .execute(async (tx) => {
        await tx.updateTable('posts').set({ title: 'Changed' }).where('author_id', '=', author.id).execute();
        throw new Error('rolled back');
      })
      .catch(() => undefined);
    expect(await versionOf(db), 'a rolled-back write changes nothing').toBe(start + 1);

    await db.db.updateTable('users').set({ bio: 'about me' }).where('id', '=', author.id).execute();
    expect(await versionOf(db), 'bio is not shown in lists').toBe(start + 1);
    await db.db
      .updateTable('users')
      .set({ username: `renamed_${author.id}` })
      .where('id', '=', author.id)
      .execute();
    expect(await versionOf(db), 'author names are').toBe(start + 2);
    await db.db.deleteFrom('post_categories').execute();
    expect(await versionOf(db), 'a statement that changes no row changes no content').toBe(start + 2);
    await sql`UPDATE categories SET description = 'd'`.execute(db.db);
    expect(await versionOf(db)).toBe(start + 3);
  });

  it('a cache read issued after a write sees it; concurrent reads share one version statement', async () => {
    const cache = new ContentCache(t.testDb.db, 10);
    let loads = 0;
    const load = async () => ++loads;
    expect(await cache.through('k', load)).toBe(1);
    expect(await cache.through('k', load)).toBe(1);
    await t.testDb.db.insertInto('categories').values({ name: 'Beta', slug: 'beta' }).execute();
    expect(await cache.through('k', load)).toBe(2);

    t.testDb.queries.length = 0;
    const together = await Promise.all(Array.from({ length: 20 }, () => cache.through('k', load)));
    expect(together).toEqual(Array(20).fill(2));
    expect(t.testDb.queries.filter((q) => q.includes('content_version'))).toHaveLength(1);

    // Bounded: least recently used entries go first.
    for (let i = 0; i < 25; i++) await cache.through(`other-${i}`, load);
    expect(cache.size).toBe(10);
  });
});

describe('post list through the cache, with ETags', () => {
  let t: TestApp;
  let reader: Awaited<ReturnType<typeof insertUser>>;
  let writer: Awaited<ReturnType<typeof insertUser>>;
  beforeAll(async () => {
    t = await createTestApp({ CONTENT_CACHE_ENTRIES: '100' });
    reader = await insertUser(t.testDb);
    writer = await insertUser(t.testDb);
  });
  afterAll(async () => {
    await t.close();
  });

  const list = (headers: Record<string, string> = {}) =>
    t.app.inject({ url: '/api/posts/?is_published=true', headers: { ...bearer(reader.token), ...headers } });

  it('serves repeated reads from the cache and every write at once', async () => {
    const first = await list();
    expect(first.statusCode).toBe(200);
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^"[\w-]+"$/);
    expect(first.headers['cache-control']).toBe('private, no-cache');

    t.testDb.queries.length = 0;
    const again = await list();
    expect(again.body).toBe(first.body);
    expect(
      t.testDb.queries.some((q) => /count\(\*\)/.test(q)),
      'a hit runs no count',
    ).toBe(false);

    const notModified = await list({ 'if-none-match': etag });
    expect(notModified.statusCode).toBe(304);
    expect(notModified.body).toBe('');

    for (let i = 0; i < 5; i++) {
      const created = await t.app.inject({
        method: 'POST',
        url: '/api/posts/',
        headers: bearer(writer.token),
        payload: { title: `Fresh ${i}`, body: '<p>x</p>', is_published: true },
      });
      expect(created.statusCode, created.body).toBe(201);
      const slug = (created.json() as { slug: string }).slug;
      const after = await list({ 'if-none-match': etag });
      expect(after.statusCode, 'a changed list is never 304').toBe(200);
      const body = after.json() as ListBody;
      expect(body.count).toBe(i + 1);
      expect(body.results[0]?.slug).toBe(slug);
    }

    // A write straight into the database (no server involved) is seen too.
    await t.testDb.db.updateTable('posts').set({ title: 'Edited in SQL' }).execute();
    expect((((await list()).json() as ListBody).results[0] as { title: string }).title).toBe('Edited in SQL');
  });
});

describe.runIf(onPostgres)('two server processes on one PostgreSQL', { timeout: 120_000 }, () => {
  let testDb: TestDb;
  let dataDir: string;
  const procs: Proc[] = [];

  beforeAll(async () => {
    testDb = await openTestDb();
    dataDir = await mkdtemp(path.join(tmpdir(), 'lectern-cache-'));
  });
  afterAll(async () => {
    for (const p of procs) {
      if (p.child.exitCode === null) {
        p.child.kill('SIGKILL');
        await once(p.child, 'exit');
      }
    }
    await testDb.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('a read through either process, issued after a write through the other is acknowledged, sees it', async () => {
    const env = {
      NODE_ENV: 'production',
      WORKERS: '1',
      DATABASE_URL: testDb.databaseUrl ?? '',
      JWT_SECRET: TEST_JWT_SECRET,
      DATA_DIR: dataDir,
      CONTENT_CACHE_ENTRIES: '1000',
      BENCH_COUNT_QUERIES: 'true',
    };
    const [a, b] = await Promise.all([startServer(env), startServer(env)]);
    if (!a || !b) throw new Error('servers did not start');
    procs.push(a, b);
    const author = await insertUser(testDb);
    const reader = await insertUser(testDb);
    const listUrl = (p: Proc) => `${p.url}/api/posts/?is_published=true&page_size=5`;
    const read = async (p: Proc) => {
      const res = await fetch(listUrl(p), { headers: bearer(reader.token) });
      expect(res.status).toBe(200);
      return {
        body: (await res.json()) as ListBody,
        statements: Number(res.headers.get('x-lectern-sql-statements')),
      };
    };
    const write = async (p: Proc, method: string, url: string, payload?: unknown) => {
      const res = await fetch(`${p.url}${url}`, {
        method,
        headers: {
          ...bearer(author.token),
          ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(payload === undefined ? {} : { body: JSON.stringify(payload) }),
      });
      expect(res.status, await res.clone().text()).toBeLessThan(300);
      return res.status === 204 ? null : ((await res.json()) as { slug: string; title: string });
    };

    // Both caches hot, and serving hits: a hit skips the count and the page.
    const cold = await read(b);
    await read(a);
    const hot = await read(b);
    expect(hot.body).toEqual(cold.body);
    expect(hot.statements).toBeLessThan(cold.statements);

    // Readers keep the caches busy while the writes happen.
    let reading = true;
    const background = (async () => {
      while (reading) await Promise.all([read(a), read(b)]);
    })();

    try {
      for (let i = 0; i < 12; i++) {
        const [writer, other] = i % 2 === 0 ? [a, b] : [b, a];
        const post = await write(writer, 'POST', '/api/posts/', {
          title: `Round ${i}`,
          body: `<p>round ${i}</p>`,
          is_published: true,
        });
        if (!post) throw new Error('no post');
        const seen = await read(other);
        expect(seen.body.count, `round ${i}: count`).toBe(i + 1);
        expect(seen.body.results[0]?.slug, `round ${i}: newest`).toBe(post.slug);

        // An edit through the other process, read back through the first.
        await write(other, 'PATCH', `/api/posts/${post.slug}/`, { title: `Round ${i} edited` });
        expect((await read(writer)).body.results[0]?.title, `round ${i}: edit`).toBe(`Round ${i} edited`);
      }
      // A delete through A disappears from B at once.
      const newest = (await read(b)).body.results[0];
      if (!newest) throw new Error('no posts');
      await write(a, 'DELETE', `/api/posts/${newest.slug}/`);
      const after = await read(b);
      expect(after.body.count).toBe(11);
      expect(after.body.results.map((p) => p.slug)).not.toContain(newest.slug);
    } finally {
      reading = false;
      await background;
    }
  });
});
