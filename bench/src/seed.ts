/**
 * `pnpm bench:seed [--posts N] [--pglite DIR] [--force]`: writes the bench data set (data.ts) into the
 * database named by DATABASE_URL (created if missing; default postgres://postgres@127.0.0.1:5432/lectern_bench),
 * or into a PGlite data folder with `--pglite`. The schema comes from the project's migrations.
 *
 * Bulk SQL: multi-row inserts through `unnest` of arrays, two batches in flight (two PostgreSQL
 * backends on two cores), with the posts' secondary indexes dropped during the load and rebuilt after
 * (a bulk GIN build is several times faster than inserting into the index row by row).
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { PasswordHasher } from '@lectern/api';
import { createDb, type Database, migrateToLatest } from '@lectern/db';
import { type Kysely, sql } from 'kysely';
import pg from 'pg';
import { BENCH_PASSWORD, CATEGORY_NAMES, categories, Prng, postChunk, SEED, users } from './data.ts';

export const DEFAULT_BENCH_URL = 'postgres://postgres@127.0.0.1:5432/lectern_bench';
/** Bumped whenever data.ts changes what it generates: an older marker means "seed again". */
const DATA_VERSION = 2;
const CHUNK = 2000;

export const markerFor = (posts: number) => `lectern-bench v${DATA_VERSION} seed=${SEED} posts=${posts}`;

export interface SeedOptions {
  posts: number;
  /** Seed even when the marker says the data set is already there; wipe a non-bench database. */
  force?: boolean;
  log?: (line: string) => void;
}

export interface SeedResult {
  skipped: boolean;
  seconds: number;
}

/**
 * Runs `task` on a connection to the `postgres` database of `url`'s server, with the name of `url`'s
 * own database (checked to be a plain identifier, as it is spliced into CREATE/DROP DATABASE).
 */
export async function withAdmin<T>(
  url: string,
  task: (client: pg.Client, name: string) => Promise<T>,
): Promise<T> {
  const name = new URL(url).pathname.slice(1);
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`unsupported database name: ${name}`);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    return await task(client, name);
  } finally {
    await client.end();
  }
}

/** Creates the database of `url` when it does not exist. */
export function ensureDatabase(url: string): Promise<void> {
  return withAdmin(url, async (client, name) => {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE ${name}`);
  });
}

export function dropDatabase(url: string): Promise<void> {
  return withAdmin(url, async (client, name) => {
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  });
}

export async function currentMarker(db: Kysely<Database>): Promise<string | null> {
  const { rows } = await sql<{ marker: string | null }>`
    SELECT obj_description('posts'::regclass, 'pg_class') AS marker`.execute(db);
  return rows[0]?.marker ?? null;
}

/** Runs `task` over `items` with at most `limit` in flight. */
async function pool<T>(items: T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await task(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** Seeds an open, migrated database. `parallel` is how many statements may run at once (1 on PGlite). */
export async function seed(
  db: Kysely<Database>,
  parallel: number,
  options: SeedOptions,
): Promise<SeedResult> {
  const log = options.log ?? (() => {});
  const started = performance.now();
  const marker = markerFor(options.posts);
  const existing = await currentMarker(db);
  if (existing === marker && !options.force) {
    log(`already seeded (${marker})`);
    return { skipped: true, seconds: 0 };
  }
  if (!existing?.startsWith('lectern-bench') && !options.force) {
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM users`.execute(db);
    if ((rows[0]?.n ?? 0) > 0) {
      throw new Error('this database has users and no bench marker: refusing to wipe it (use --force)');
    }
  }

  await sql`TRUNCATE post_categories, posts, categories, files, refresh_tokens, otp_codes, rate_limits, users
    RESTART IDENTITY CASCADE`.execute(db);

  const hash = await new PasswordHasher('owasp').hash(BENCH_PASSWORD);
  const people = users(new Prng(SEED));
  await sql`
    INSERT INTO users (id, email, username, slug, password_hash, is_verified, is_staff, date_joined)
    OVERRIDING SYSTEM VALUE
    SELECT i, e, u, s, ${hash}, true, st, ${'2024-10-01T00:00:00Z'}::timestamptz + (i || ' minutes')::interval
    FROM unnest(${people.map((_, i) => i + 1)}::int[], ${people.map((p) => p.email)}::text[],
                ${people.map((p) => p.username)}::text[], ${people.map((p) => p.slug)}::text[],
                ${people.map((p) => p.is_staff)}::bool[]) AS t(i, e, u, s, st)`.execute(db);
  const cats = categories();
  await sql`
    INSERT INTO categories (id, name, slug, description) OVERRIDING SYSTEM VALUE
    SELECT * FROM unnest(${cats.map((_, i) => i + 1)}::int[], ${cats.map((c) => c.name)}::text[],
                         ${cats.map((c) => c.slug)}::text[], ${cats.map((c) => c.description)}::text[])`.execute(
    db,
  );
  log(`users ${people.length}, categories ${CATEGORY_NAMES.length}`);

  // Secondary indexes off during the load (rebuilt from their own definitions afterwards).
  const { rows: indexes } = await sql<{ name: string; def: string }>`
    SELECT i.indexname AS name, i.indexdef AS def FROM pg_indexes i
    WHERE i.schemaname = current_schema() AND i.tablename IN ('posts', 'post_categories')
      AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)`.execute(db);
  for (const index of indexes) await sql`DROP INDEX ${sql.id(index.name)}`.execute(db);

  const chunks: Array<[number, number]> = [];
  for (let start = 0; start < options.posts; start += CHUNK) {
    chunks.push([start, Math.min(options.posts, start + CHUNK)]);
  }
  const slugs = new Set<string>();
  let done = 0;
  await pool(chunks, parallel, async ([start, end]) => {
    const posts = postChunk(start, end, slugs);
    const ids = posts.map((_, i) => start + i + 1);
    await sql`
      INSERT INTO posts (id, author_id, title, slug, body, excerpt, tags, is_published, published_at,
                         created_at, updated_at)
      OVERRIDING SYSTEM VALUE
      SELECT id, a, t, s, b, e, CASE WHEN g = '' THEN '{}'::text[] ELSE string_to_array(g, '|') END,
             pub, pa, ca, ua
      FROM unnest(${ids}::int[], ${posts.map((p) => p.author_id)}::int[], ${posts.map((p) => p.title)}::text[],
                  ${posts.map((p) => p.slug)}::text[], ${posts.map((p) => p.body)}::text[],
                  ${posts.map((p) => p.excerpt)}::text[], ${posts.map((p) => p.tags)}::text[],
                  ${posts.map((p) => p.is_published)}::bool[], ${posts.map((p) => p.published_at)}::timestamptz[],
                  ${posts.map((p) => p.created_at)}::timestamptz[], ${posts.map((p) => p.updated_at)}::timestamptz[])
           AS x(id, a, t, s, b, e, g, pub, pa, ca, ua)`.execute(db);
    const postIds: number[] = [];
    const categoryIds: number[] = [];
    posts.forEach((p, i) => {
      for (const c of p.categories) {
        postIds.push(ids[i] ?? 0);
        categoryIds.push(c);
      }
    });
    await sql`INSERT INTO post_categories (post_id, category_id)
      SELECT * FROM unnest(${postIds}::int[], ${categoryIds}::int[])`.execute(db);
    done += posts.length;
    if (done % 20_000 < CHUNK) log(`posts ${done}/${options.posts}`);
  });
  // Later inserts (the API's own) continue after the seeded ids.
  await sql`SELECT setval(pg_get_serial_sequence('posts', 'id'), ${Math.max(1, options.posts)})`.execute(db);
  await sql`SELECT setval(pg_get_serial_sequence('users', 'id'), ${people.length})`.execute(db);
  await sql`SELECT setval(pg_get_serial_sequence('categories', 'id'), ${cats.length})`.execute(db);
  log(
    `loaded in ${((performance.now() - started) / 1000).toFixed(1)} s; rebuilding ${indexes.length} indexes`,
  );

  await pool(indexes, parallel, async (index) => {
    await db.connection().execute(async (conn) => {
      await sql`SET maintenance_work_mem = '256MB'`.execute(conn);
      await sql.raw(index.def).execute(conn);
    });
  });
  for (const table of ['users', 'categories', 'posts', 'post_categories']) {
    // VACUUM sets the visibility map, so counts can run as index-only scans from the start.
    await sql`VACUUM (ANALYZE) ${sql.id(table)}`.execute(db);
  }
  await sql.raw(`COMMENT ON TABLE posts IS '${marker}'`).execute(db);
  const seconds = (performance.now() - started) / 1000;
  log(`seeded ${options.posts} posts in ${seconds.toFixed(1)} s`);
  return { skipped: false, seconds };
}

/** Seeds PostgreSQL at `url` (creating and migrating the database first). */
export async function seedPostgres(url: string, options: SeedOptions): Promise<SeedResult> {
  await ensureDatabase(url);
  const { db } = createDb({ databaseUrl: url, poolSize: 2 });
  try {
    await migrateToLatest(db);
    return await seed(db, 2, options);
  } finally {
    await db.destroy();
  }
}

/** Seeds a PGlite data folder (the server's DATA_DIR; the database lives in DATA_DIR/pglite). */
export async function seedPglite(dataDir: string, options: SeedOptions): Promise<SeedResult> {
  const { db } = createDb({ dataDir });
  try {
    await migrateToLatest(db);
    return await seed(db, 1, options);
  } finally {
    await db.destroy();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      posts: { type: 'string', default: '100000' },
      pglite: { type: 'string' },
      force: { type: 'boolean', default: false },
    },
  });
  const posts = Number(values.posts);
  if (!Number.isSafeInteger(posts) || posts < 0) throw new Error('--posts must be a whole number');
  const log = (line: string) => console.log(`[seed] ${line}`);
  if (values.pglite) {
    log(`PGlite data folder ${values.pglite}`);
    await seedPglite(values.pglite, { posts, force: values.force, log });
    return;
  }
  const url = process.env.DATABASE_URL || DEFAULT_BENCH_URL;
  log(`PostgreSQL ${url.replace(/\/\/[^@/]*@/, '//…@')}`);
  await seedPostgres(url, { posts, force: values.force, log });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
