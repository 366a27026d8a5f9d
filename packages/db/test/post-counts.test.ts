/**
 * post_counts (migration 0061): the live and live-published post counts kept by triggers must equal
 * count(*) after every kind of write — multi-row statements, publish/unpublish, soft delete and
 * restore, hard deletes, an author's cascade, rolled-back transactions and savepoints, TRUNCATE — and,
 * on PostgreSQL, under concurrent writers.
 */
import { randomUUID } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/index.ts';
import { insertBareUser, openTestDb, type TestDb } from '../src/testing.ts';

describe('post_counts', () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await openTestDb();
  });
  afterAll(async () => {
    await t.close();
  });

  const kept = async (db: Kysely<Database> = t.db) => {
    const row = await db
      .selectFrom('post_counts')
      .select([sql<number>`live::int`.as('live'), sql<number>`published::int`.as('published')])
      .where('id', '=', 1)
      .executeTakeFirstOrThrow();
    return { live: row.live, published: row.published };
  };
  const counted = async () => {
    const row = await t.db
      .selectFrom('posts')
      .select([
        sql<number>`(count(*) filter (where not is_deleted))::int`.as('live'),
        sql<number>`(count(*) filter (where not is_deleted and is_published))::int`.as('published'),
      ])
      .executeTakeFirstOrThrow();
    return { live: row.live, published: row.published };
  };
  const expectInStep = async (what: string) => {
    expect(await kept(), what).toEqual(await counted());
  };

  const newUser = () => insertBareUser(t.db);
  const post = (author: number, published: boolean, deleted = false) => {
    const tag = randomUUID().slice(0, 12);
    return {
      author_id: author,
      title: `Post ${tag}`,
      slug: `post-${tag}`,
      is_published: published,
      published_at: published ? sql<Date>`now()` : null,
      is_deleted: deleted,
      deleted_at: deleted ? sql<Date>`now()` : null,
    };
  };

  it('follows inserts, publishing, soft deletes, restores and hard deletes', async () => {
    const author = await newUser();
    const start = await kept();
    const ids = (
      await t.db
        .insertInto('posts')
        .values([post(author, true), post(author, true), post(author, false), post(author, true, true)])
        .returning('id')
        .execute()
    ).map((r) => r.id);
    expect(await kept()).toEqual({ live: start.live + 3, published: start.published + 2 });
    await expectInStep('after a multi-row insert');

    const [a, b, c, d] = ids as [number, number, number, number];
    await t.db.updateTable('posts').set({ is_published: false }).where('id', '=', a).execute();
    await expectInStep('unpublished');
    await t.db
      .updateTable('posts')
      .set({ is_published: true, published_at: sql<Date>`now()` })
      .where('id', '=', c)
      .execute();
    await expectInStep('published');
    await t.db
      .updateTable('posts')
      .set({ is_deleted: true, deleted_at: sql<Date>`now()` })
      .where('id', '=', b)
      .execute();
    await expectInStep('soft-deleted');
    await t.db
      .updateTable('posts')
      .set({ is_deleted: false, deleted_at: null })
      .where('id', '=', d)
      .execute();
    await expectInStep('restored');
    await t.db.updateTable('posts').set({ title: 'Renamed' }).where('id', 'in', ids).execute();
    await expectInStep('a change that is not the state');
    await t.db.deleteFrom('posts').where('id', '=', c).execute();
    await expectInStep('hard-deleted');
    await t.db.deleteFrom('posts').where('author_id', '=', author).execute();
    await expectInStep("the author's remaining posts removed in one statement");
    expect(await kept()).toEqual(start);
  });

  it('ignores what a rolled-back transaction or savepoint wrote, and applies a transaction once, at commit', async () => {
    const author = await newUser();
    const start = await kept();
    await expect(
      t.db.transaction().execute(async (tx) => {
        await tx
          .insertInto('posts')
          .values([post(author, true), post(author, false)])
          .execute();
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(await kept()).toEqual(start);

    await t.db.transaction().execute(async (tx) => {
      await tx.insertInto('posts').values(post(author, true)).execute();
      await sql`SAVEPOINT s`.execute(tx);
      await tx
        .insertInto('posts')
        .values([post(author, true), post(author, true)])
        .execute();
      await sql`ROLLBACK TO SAVEPOINT s`.execute(tx);
      const id = (
        await tx.insertInto('posts').values(post(author, false)).returning('id').executeTakeFirstOrThrow()
      ).id;
      await tx
        .updateTable('posts')
        .set({ is_published: true, published_at: sql<Date>`now()` })
        .where('id', '=', id)
        .execute();
      await tx.updateTable('posts').set({ is_published: false }).where('id', '=', id).execute();
      // Not applied before the commit (the counter row is the transaction's last lock).
      expect(await kept(tx)).toEqual(start);
    });
    expect(await kept()).toEqual({ live: start.live + 2, published: start.published + 1 });
    await expectInStep('after savepoints');
  });

  it('stays exact under concurrent writers (PostgreSQL; PGlite has one connection)', async () => {
    if (t.kind !== 'postgres') return;
    const authors = await Promise.all([newUser(), newUser(), newUser()]);
    const start = await kept();
    await Promise.all(
      Array.from({ length: 24 }, (_, i) =>
        t.db.transaction().execute(async (tx) => {
          const author = authors[i % authors.length] as number;
          const rows = await tx
            .insertInto('posts')
            .values([post(author, i % 2 === 0), post(author, true), post(author, false)])
            .returning('id')
            .execute();
          const first = rows[0]?.id as number;
          if (i % 3 === 0) {
            await tx
              .updateTable('posts')
              .set({ is_deleted: true, deleted_at: sql<Date>`now()` })
              .where('id', '=', first)
              .execute();
          }
          if (i % 4 === 0) {
            await tx
              .updateTable('posts')
              .set({ is_published: true, published_at: sql<Date>`now()` })
              .where('author_id', '=', author)
              .where('is_published', '=', false)
              .execute();
          }
        }),
      ),
    );
    expect((await kept()).live).toBeGreaterThan(start.live);
    await expectInStep('after 24 concurrent transactions');
  });

  it('resets with TRUNCATE', async () => {
    const author = await newUser();
    await t.db
      .insertInto('posts')
      .values([post(author, true), post(author, false)])
      .execute();
    await sql`TRUNCATE posts CASCADE`.execute(t.db);
    expect(await kept()).toEqual({ live: 0, published: 0 });
    await t.db.insertInto('posts').values(post(author, true)).execute();
    expect(await kept()).toEqual({ live: 1, published: 1 });
    await expectInStep('after TRUNCATE and an insert');
  });
});
