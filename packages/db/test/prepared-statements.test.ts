/**
 * The prepared-statement cap on a real PostgreSQL connection: beyond DB_PREPARED_STATEMENTS_MAX
 * distinct texts, statements go out unnamed, so the connection never holds more than the cap.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../src/client.ts';
import { openTestDb, type TestDb } from '../src/testing.ts';

const onPostgres = process.env.LECTERN_TEST_DB === 'postgres';

describe.runIf(onPostgres)('prepared statements', () => {
  let testDb: TestDb;
  beforeAll(async () => {
    testDb = await openTestDb();
  });
  afterAll(async () => {
    await testDb.close();
  });

  it('prepares at most the configured number of statements per connection, and answers every query', async () => {
    // One connection, so every statement below runs on the session we then inspect.
    const { db } = createDb({
      databaseUrl: testDb.databaseUrl,
      poolSize: 1,
      preparedStatements: true,
      preparedStatementsMax: 3,
    });
    try {
      for (let round = 0; round < 2; round++) {
        for (let i = 0; i < 8; i++) {
          const { rows } = await sql<{ n: number }>`select ${i}::int + ${sql.lit(i)} as n`.execute(db);
          expect(rows[0]?.n).toBe(2 * i);
        }
      }
      const prepared = await sql<{ name: string }>`select name from pg_prepared_statements`.execute(db);
      expect(prepared.rows).toHaveLength(3);
      for (const row of prepared.rows) expect(row.name).toMatch(/^l_/);
    } finally {
      await db.destroy();
    }
  });
});
