import { type Kysely, Migrator, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrations } from '../migrations/index.ts';
import { migrateToLatest, migrationNames, migrationStatus } from '../src/index.ts';
import { openEmptyDb, type TestDb } from '../src/testing.ts';

describe('migrations', () => {
  let empty: TestDb;
  beforeAll(async () => {
    empty = await openEmptyDb();
  });
  afterAll(async () => {
    await empty.close();
  });

  it('run up from an empty database, then a second run is a no-op', async () => {
    const first = await migrateToLatest(empty.db);
    expect(first).toEqual(migrationNames);
    const second = await migrateToLatest(empty.db);
    expect(second).toEqual([]);

    const tables = await sql<{ table_name: string }>`
      select table_name from information_schema.tables where table_schema = 'public' order by table_name
    `.execute(empty.db);
    const names = tables.rows.map((r) => r.table_name);
    expect(names).toEqual(expect.arrayContaining(['settings', 'users', 'lectern_migrations']));
  });

  it('enforce the settings singleton and case-insensitive unique emails', async () => {
    await empty.db
      .insertInto('settings')
      .values({ id: 1, maintenance: false, allow_registration: true })
      .execute();
    await expect(
      empty.db
        .insertInto('settings')
        .values({ id: 2, maintenance: false, allow_registration: true })
        .execute(),
    ).rejects.toThrow();
    const user = { username: 'a', slug: 'a-1', password_hash: 'x' };
    await empty.db
      .insertInto('users')
      .values({ ...user, email: 'Ann@Example.com' })
      .execute();
    await expect(
      empty.db
        .insertInto('users')
        .values({ ...user, username: 'b', slug: 'b-1', email: 'ann@example.COM' })
        .execute(),
    ).rejects.toThrow(/users_email_lower_key/);
  });

  it('return counts as numbers on both dialects', async () => {
    const row = await empty.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    expect(row.n).toBe(1);
  });
});

describe('migration status', () => {
  it('lists every migration as pending on an empty database, as applied after migrating, and flags unknown ones', async () => {
    const empty = await openEmptyDb();
    try {
      const before = await migrationStatus(empty.db);
      expect(before.migrations.map((m) => m.name)).toEqual(migrationNames);
      expect(before.migrations.every((m) => m.appliedAt === null)).toBe(true);
      expect(before.unknown).toEqual([]);

      await migrateToLatest(empty.db);
      const after = await migrationStatus(empty.db);
      expect(after.migrations.every((m) => m.appliedAt instanceof Date)).toBe(true);
      expect(after.unknown).toEqual([]);

      await sql`INSERT INTO lectern_migrations (name, timestamp) VALUES ('9999_from_the_future', now()::text)`.execute(
        empty.db,
      );
      expect((await migrationStatus(empty.db)).unknown).toEqual(['9999_from_the_future']);
    } finally {
      await empty.close();
    }
  });
});

describe('0060_post_ranking', () => {
  it('dates published posts written without a date, then refuses such rows, and keeps rank_vector in step', async () => {
    const db = await openEmptyDb();
    try {
      const before = Object.fromEntries(Object.entries(migrations).filter(([name]) => name < '0060'));
      const upTo0050 = new Migrator({
        db: db.db as unknown as Kysely<unknown>,
        provider: { getMigrations: async () => before },
        migrationTableName: 'lectern_migrations',
        migrationLockTableName: 'lectern_migrations_lock',
      });
      expect((await upTo0050.migrateToLatest()).error).toBeUndefined();
      const { id: author } = await db.db
        .insertInto('users')
        .values({ username: 'w', slug: 'w-1', email: 'w@example.com', password_hash: 'x' })
        .returning('id')
        .executeTakeFirstOrThrow();
      // Written by a script that set the flag but not the date: the old schema allowed it.
      await db.db
        .insertInto('posts')
        .values({
          author_id: author,
          title: 'Undated',
          slug: 'undated',
          is_published: true,
          updated_at: sql<Date>`'2026-05-05T05:05:05Z'::timestamptz`,
        })
        .execute();

      expect(await migrateToLatest(db.db)).toEqual(migrationNames.filter((name) => name >= '0060'));
      // 0061 started its counts from the posts already there.
      const counts = await sql<{ live: number; published: number }>`
        SELECT live::int AS live, published::int AS published FROM post_counts`.execute(db.db);
      expect(counts.rows).toEqual([{ live: 1, published: 1 }]);
      const row = await db.db
        .selectFrom('posts')
        .select(['published_at', sql<string>`rank_vector::text`.as('rank')])
        .where('slug', '=', 'undated')
        .executeTakeFirstOrThrow();
      expect(row.published_at?.toISOString()).toBe('2026-05-05T05:05:05.000Z');
      expect(row.rank).toBe("'undat':1A");

      await expect(
        db.db
          .insertInto('posts')
          .values({ author_id: author, title: 'Bad', slug: 'bad', is_published: true })
          .execute(),
      ).rejects.toThrow(/posts_published_dated/);
      // The ranking vector follows the title and the excerpt, not the body.
      await db.db
        .updateTable('posts')
        .set({ title: 'Rockets', excerpt: 'about gardens', body: '<p>pepper</p>' })
        .where('slug', '=', 'undated')
        .execute();
      const changed = await db.db
        .selectFrom('posts')
        .select(sql<string>`rank_vector::text`.as('rank'))
        .where('slug', '=', 'undated')
        .executeTakeFirstOrThrow();
      expect(changed.rank).toBe("'garden':3B 'rocket':1A");
    } finally {
      await db.close();
    }
  });
});
