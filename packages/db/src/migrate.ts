import { type Kysely, type MigrationResultSet, Migrator } from 'kysely';
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
