/** pnpm db:migrate — apply pending migrations; --reset (development only) wipes the database first. */
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { createDb, migrateToLatest } from '@lectern/db';
import { sql } from 'kysely';
import { loadEnv } from '../env.ts';

const env = loadEnv();
const reset = process.argv.includes('--reset');
if (reset && env.NODE_ENV === 'production') {
  console.error('db:reset refuses to run with NODE_ENV=production');
  process.exit(2);
}
if (reset && !env.DATABASE_URL) {
  await rm(path.join(env.DATA_DIR, 'pglite'), { recursive: true, force: true });
  console.log(`removed ${path.join(env.DATA_DIR, 'pglite')}`);
}
const { db, kind } = createDb({ databaseUrl: env.DATABASE_URL, dataDir: env.DATA_DIR, poolSize: 1 });
try {
  if (reset && kind === 'postgres') {
    await sql`DROP SCHEMA public CASCADE`.execute(db);
    await sql`CREATE SCHEMA public`.execute(db);
    console.log('dropped and recreated schema public');
  }
  const applied = await migrateToLatest(db);
  console.log(applied.length ? `applied: ${applied.join(', ')}` : 'schema is up to date');
} finally {
  await db.destroy();
}
