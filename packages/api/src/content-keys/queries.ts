import type { Database } from '@lectern/db';
import { type Kysely, sql } from 'kysely';
import type { UserRef } from '../shared/schemas.ts';
import { withCreatedBy } from '../shared/sql.ts';

export interface ContentKeyRecord {
  id: number;
  name: string;
  prefix: string;
  created_by: UserRef | null;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

function keyQuery(db: Kysely<Database>) {
  return db
    .selectFrom('content_keys as k')
    .leftJoin('users as u', 'u.id', 'k.created_by')
    .select([
      'k.id',
      'k.name',
      'k.prefix',
      'k.created_at',
      'k.last_used_at',
      'k.revoked_at',
      'u.id as creator_id',
      'u.username as creator_username',
      'u.slug as creator_slug',
    ]);
}

type KeyRow = Awaited<ReturnType<ReturnType<typeof keyQuery>['executeTakeFirstOrThrow']>>;

function toRecord(row: KeyRow): ContentKeyRecord {
  return withCreatedBy(row);
}

export async function insertContentKey(
  db: Kysely<Database>,
  values: { name: string; prefix: string; key_hash: string; created_by: number },
): Promise<number> {
  const row = await db.insertInto('content_keys').values(values).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

export async function findContentKeyById(
  db: Kysely<Database>,
  id: number,
): Promise<ContentKeyRecord | undefined> {
  const row = await keyQuery(db).where('k.id', '=', id).executeTakeFirst();
  return row ? toRecord(row) : undefined;
}

/** One page of keys, newest first, and their number: two statements. */
export async function listContentKeys(
  db: Kysely<Database>,
  opts: { revoked: boolean | undefined; limit: number; offset: number },
): Promise<{ count: number; results: ContentKeyRecord[] }> {
  let countQuery = db.selectFrom('content_keys as k').select(sql<number>`count(*)::int`.as('count'));
  let pageQuery = keyQuery(db);
  if (opts.revoked === true) {
    countQuery = countQuery.where('k.revoked_at', 'is not', null);
    pageQuery = pageQuery.where('k.revoked_at', 'is not', null);
  } else if (opts.revoked === false) {
    countQuery = countQuery.where('k.revoked_at', 'is', null);
    pageQuery = pageQuery.where('k.revoked_at', 'is', null);
  }
  const { count } = await countQuery.executeTakeFirstOrThrow();
  if (count === 0 || opts.offset >= count) return { count, results: [] };
  const rows = await pageQuery
    .orderBy('k.created_at', 'desc')
    .orderBy('k.id', 'desc')
    .limit(opts.limit)
    .offset(opts.offset)
    .execute();
  return { count, results: rows.map(toRecord) };
}

/** Revokes a key (once: a revoked key keeps its first revocation time). False when there is no such key. */
export async function revokeContentKey(db: Kysely<Database>, id: number): Promise<boolean> {
  const result = await db
    .updateTable('content_keys')
    .set({ revoked_at: sql<Date>`coalesce(revoked_at, now())` })
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/**
 * The live key with this hash, in one statement that also records its use: `last_used_at` is written
 * only when it is older than a minute, so a busy key costs one small write a minute, not one a read.
 */
export async function useContentKey(
  db: Kysely<Database>,
  keyHash: string,
): Promise<{ id: number; name: string } | undefined> {
  const result = await sql<{ id: number; name: string }>`
    WITH found AS (
      SELECT id, name, last_used_at FROM content_keys WHERE key_hash = ${keyHash} AND revoked_at IS NULL
    ), touched AS (
      UPDATE content_keys SET last_used_at = now()
      FROM found
      WHERE content_keys.id = found.id
        AND (found.last_used_at IS NULL OR found.last_used_at < now() - interval '1 minute')
    )
    SELECT id, name FROM found`.execute(db);
  return result.rows[0];
}
