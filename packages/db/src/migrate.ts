import { type Kysely, type MigrationResultSet, Migrator, sql } from 'kysely';
import { migrations } from '../migrations/index.ts';

const migrator = (db: Kysely<unknown>) =>
  new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    migrationTableName: 'lectern_migrations',
    migrationLockTableName: 'lectern_migrations_lock',
  });

/** Runs every pending migration; a no-op when the schema is current. Throws on the first failure. */
export async function migrateToLatest<DB>(db: Kysely<DB>): Promise<string[]> {
  const result: MigrationResultSet = await migrator(db as unknown as Kysely<unknown>).migrateToLatest();
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`migration ${failed} failed: ${String(result.error)}`, { cause: result.error });
  }
  return (result.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

export const migrationNames = Object.keys(migrations);

export interface MigrationStatus {
  /** Every migration of the code, in order, with when it was applied (null: pending). */
  migrations: Array<{ name: string; appliedAt: Date | null }>;
  /** Recorded as applied in the database but absent from the code (a newer build ran here?). */
  unknown: string[];
}

/** Applied and pending migrations of a database, without changing anything in it. */
export async function migrationStatus<DB>(db: Kysely<DB>): Promise<MigrationStatus> {
  const plain = db as unknown as Kysely<unknown>;
  const infos = await migrator(plain).getMigrations();
  const known = new Set(infos.map((m) => m.name));
  const table = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM information_schema.tables
    WHERE table_schema = current_schema() AND table_name = 'lectern_migrations'`.execute(plain);
  const recorded =
    (table.rows[0]?.n ?? 0) > 0
      ? (await sql<{ name: string }>`SELECT name FROM lectern_migrations ORDER BY name`.execute(plain)).rows
      : [];
  return {
    migrations: infos.map((m) => ({ name: m.name, appliedAt: m.executedAt ?? null })),
    unknown: recorded.map((r) => r.name).filter((name) => !known.has(name)),
  };
}
