/**
 * Test databases: one migrated template per test run (made in vitest's global setup), and a fresh
 * copy of it per test file — a PGlite loaded from the template's dump, or a PostgreSQL database
 * created `TEMPLATE` the migrated one. Never used outside tests.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import type { Kysely, LogEvent } from 'kysely';
import pg from 'pg';
import { inject } from 'vitest';
import { createDb, type DbKind } from './client.ts';
import { migrateToLatest } from './migrate.ts';
import type { NotificationSource } from './notifications.ts';
import type { Database } from './types.ts';

export const DEFAULT_TEST_PG_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

declare module 'vitest' {
  export interface ProvidedContext {
    lecternTemplate: TemplateInfo;
  }
}

export interface TemplateInfo {
  kind: DbKind;
  /** PGlite: path of the dumped data dir; PostgreSQL: the template database's name. */
  template: string;
  adminUrl: string;
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

async function adminQuery(adminUrl: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

/** Builds the migrated template once per run. */
export async function createTemplate(
  kind: DbKind,
  dumpPath: string,
  adminUrl: string,
): Promise<TemplateInfo> {
  if (kind === 'pglite') {
    const pglite = new PGlite();
    const { db } = createDb({ pglite });
    await migrateToLatest(db);
    const dump = await pglite.dumpDataDir('none');
    await writeFile(dumpPath, Buffer.from(await dump.arrayBuffer()));
    await db.destroy();
    return { kind, template: dumpPath, adminUrl };
  }
  const name = `lectern_tpl_${process.pid}_${randomBytes(3).toString('hex')}`;
  await adminQuery(adminUrl, `CREATE DATABASE ${name}`);
  const { db } = createDb({ databaseUrl: withDatabase(adminUrl, name), poolSize: 1 });
  await migrateToLatest(db);
  await db.destroy();
  return { kind, template: name, adminUrl };
}

export async function dropTemplate(info: TemplateInfo): Promise<void> {
  if (info.kind === 'postgres') {
    await adminQuery(info.adminUrl, `DROP DATABASE IF EXISTS ${info.template} WITH (FORCE)`);
  }
}

export interface TestDb {
  kind: DbKind;
  db: Kysely<Database>;
  /** PostgreSQL URL of this file's database (undefined on PGlite). */
  databaseUrl: string | undefined;
  /** The PGlite instance (undefined on PostgreSQL). */
  pglite: PGlite | undefined;
  /** Statements seen since the last reset (for query-count assertions). */
  queries: string[];
  /** `LISTEN` on this database. */
  notifications: NotificationSource;
  close(): Promise<void>;
}

/** A fresh, migrated database for one test file (from the template the global setup made). */
export async function openTestDb(info: TemplateInfo = inject('lecternTemplate')): Promise<TestDb> {
  const queries: string[] = [];
  const onQuery = (e: LogEvent) => {
    if (e.level === 'query') queries.push(e.query.sql);
  };
  if (info.kind === 'pglite') {
    const blob = new Blob([await readFile(info.template)]);
    const pglite = new PGlite({ loadDataDir: blob });
    const { db, notifications } = createDb({ pglite, onQuery });
    return {
      kind: 'pglite',
      db,
      databaseUrl: undefined,
      pglite,
      queries,
      notifications,
      close: () => db.destroy(),
    };
  }
  const name = `lectern_t_${randomBytes(6).toString('hex')}`;
  await adminQuery(info.adminUrl, `CREATE DATABASE ${name} TEMPLATE ${info.template}`);
  const databaseUrl = withDatabase(info.adminUrl, name);
  const { db, notifications } = createDb({ databaseUrl, onQuery, poolSize: 5 });
  return {
    kind: 'postgres',
    db,
    databaseUrl,
    pglite: undefined,
    queries,
    notifications,
    async close() {
      await db.destroy();
      await adminQuery(info.adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

/** An empty database with no migrations applied (for migration tests). */
export async function openEmptyDb(info: TemplateInfo = inject('lecternTemplate')): Promise<TestDb> {
  if (info.kind === 'pglite') {
    const pglite = new PGlite();
    const { db, notifications } = createDb({ pglite });
    return {
      kind: 'pglite',
      db,
      databaseUrl: undefined,
      pglite,
      queries: [],
      notifications,
      close: () => db.destroy(),
    };
  }
  const name = `lectern_e_${randomBytes(6).toString('hex')}`;
  await adminQuery(info.adminUrl, `CREATE DATABASE ${name}`);
  const databaseUrl = withDatabase(info.adminUrl, name);
  const { db, notifications } = createDb({ databaseUrl, poolSize: 2 });
  return {
    kind: 'postgres',
    db,
    databaseUrl,
    pglite: undefined,
    queries: [],
    notifications,
    async close() {
      await db.destroy();
      await adminQuery(info.adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

/** PGlite only: writes a migrated database (this run's template) into `dir`, as the server's data folder holds it. */
export async function writeMigratedPgliteDir(
  dir: string,
  info: TemplateInfo = inject('lecternTemplate'),
): Promise<void> {
  if (info.kind !== 'pglite') throw new Error('writeMigratedPgliteDir is for the pglite project');
  await mkdir(dir, { recursive: true });
  const pglite = new PGlite(dir, { loadDataDir: new Blob([await readFile(info.template)]) });
  await pglite.close();
}

/** A bare user row with unique names (tests of tables that need an owner); its id. */
export async function insertBareUser(db: Kysely<Database>): Promise<number> {
  const tag = randomBytes(4).toString('hex');
  const row = await db
    .insertInto('users')
    .values({ email: `${tag}@test.lectern`, username: `u_${tag}`, slug: `u-${tag}`, password_hash: 'x' })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}
