/**
 * pnpm db:status [--check] — applied and pending migrations of the configured database (DATABASE_URL,
 * or the PGlite folder under DATA_DIR). Changes nothing: a PGlite folder that does not exist yet is
 * reported as such, not created. With --check, exits 1 when anything is pending or unknown (for
 * deployment scripts).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createDb, migrationStatus } from '@lectern/db';
import { ConfigError, type Env, loadEnv } from '../env.ts';

function describeTarget(env: Env): string {
  if (!env.DATABASE_URL) return `PGlite in ${path.join(env.DATA_DIR, 'pglite')}`;
  const url = new URL(env.DATABASE_URL);
  if (url.password) url.password = '***';
  return `PostgreSQL ${url.toString()}`;
}

async function main(): Promise<number> {
  let env: Env;
  try {
    env = loadEnv();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      return 2;
    }
    throw error;
  }
  const check = process.argv.includes('--check');
  console.log(`database: ${describeTarget(env)}`);
  const { migrationNames } = await import('@lectern/db');
  if (!env.DATABASE_URL && !existsSync(path.join(env.DATA_DIR, 'pglite'))) {
    for (const name of migrationNames) console.log(`  pending                       ${name}`);
    console.log(
      `no database there yet: ${migrationNames.length} migrations pending (applied at the first start)`,
    );
    return check ? 1 : 0;
  }
  const { db } = createDb({ databaseUrl: env.DATABASE_URL, dataDir: env.DATA_DIR, poolSize: 1 });
  try {
    const status = await migrationStatus(db);
    for (const m of status.migrations) {
      const when = m.appliedAt
        ? `applied  ${m.appliedAt.toISOString().slice(0, 19).replace('T', ' ')}`
        : 'pending';
      console.log(`  ${when.padEnd(30)}${m.name}`);
    }
    for (const name of status.unknown) console.log(`  ${'applied, not in this code'.padEnd(30)}${name}`);
    const applied = status.migrations.filter((m) => m.appliedAt).length;
    const pending = status.migrations.length - applied;
    const unknown = status.unknown.length ? `, ${status.unknown.length} unknown to this code` : '';
    console.log(`${status.migrations.length} migrations: ${applied} applied, ${pending} pending${unknown}`);
    return check && (pending > 0 || status.unknown.length > 0) ? 1 : 0;
  } finally {
    await db.destroy();
  }
}

process.exitCode = await main();
