import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
