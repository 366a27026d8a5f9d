import type { Database, PostRevisionKind } from '@lectern/db';
import { type Kysely, sql } from 'kysely';
import type { UserRef } from '../shared/schemas.ts';
import type { CategoryRef } from './schemas.ts';

/*
 * Post revisions (migration 0030). A revision is copied from the post's row inside the database, in
 * the transaction of the write that produced that state: the body never travels to the process and
 * back, and one statement serves one post or a batch (the scheduler's).
 */

/**
 * A list of ids as one array parameter: the statement's text stays the same whatever the list's length,
 * so it is prepared once per connection (DB_PREPARED_STATEMENTS), not once per batch size.
 */
const idArray = (postIds: readonly number[]) => sql`${[...postIds]}::int[]`;

/** The post's categories as they are named now, in the order posts show them. */
const categoriesNow = sql`coalesce((
  SELECT jsonb_agg(jsonb_build_object('id', c.id, 'name', c.name, 'slug', c.slug) ORDER BY lower(c.name), c.id)
  FROM post_categories pc JOIN categories c ON c.id = pc.category_id
  WHERE pc.post_id = p.id), '[]'::jsonb)`;

/**
 * For posts that have no revision yet (written before revisions existed), records their state as it is
 * now, before a change overwrites it: kind `initial`, dated by the post's last update, author unknown.
 */
export async function insertInitialRevisions(
  db: Kysely<Database>,
  postIds: readonly number[],
): Promise<void> {
  if (postIds.length === 0) return;
  await sql`
    INSERT INTO post_revisions
      (post_id, kind, title, body, excerpt, excerpt_is_custom, tags, categories, thumbnail, is_published,
       created_by, created_at)
    SELECT p.id, 'initial', p.title, p.body, p.excerpt, p.excerpt_is_custom, p.tags, ${categoriesNow},
      p.thumbnail, p.is_published, NULL, p.updated_at
    FROM posts p
    WHERE p.id = ANY(${idArray(postIds)})
      AND NOT EXISTS (SELECT 1 FROM post_revisions r WHERE r.post_id = p.id)`.execute(db);
}

/**
 * Records each post's current state (as the transaction sees it) as a new revision. With
 * `skipIfUnchanged`, a post whose latest revision already holds exactly this state gets none.
 */
export async function insertRevisions(
  db: Kysely<Database>,
  postIds: readonly number[],
  kind: Exclude<PostRevisionKind, 'initial'>,
  by: { userId: number | null; restoredFrom: number | null; skipIfUnchanged: boolean },
): Promise<void> {
  if (postIds.length === 0) return;
  const unchanged = by.skipIfUnchanged
    ? sql`AND NOT EXISTS (
        SELECT 1 FROM (
          SELECT * FROM post_revisions l WHERE l.post_id = p.id ORDER BY l.id DESC LIMIT 1
        ) latest
        WHERE latest.title = p.title AND latest.body = p.body AND latest.excerpt = p.excerpt
          AND latest.excerpt_is_custom = p.excerpt_is_custom AND latest.tags = p.tags
          AND latest.categories = ${categoriesNow} AND latest.thumbnail IS NOT DISTINCT FROM p.thumbnail
          AND latest.is_published = p.is_published)`
    : sql``;
  await sql`
    INSERT INTO post_revisions
      (post_id, kind, title, body, excerpt, excerpt_is_custom, tags, categories, thumbnail, is_published,
       restored_from, created_by)
    SELECT p.id, ${kind}, p.title, p.body, p.excerpt, p.excerpt_is_custom, p.tags, ${categoriesNow},
      p.thumbnail, p.is_published, ${by.restoredFrom}::integer, ${by.userId}::integer
    FROM posts p
    WHERE p.id = ANY(${idArray(postIds)}) ${unchanged}
    ORDER BY p.id`.execute(db);
}

/**
 * Deletes each post's revisions older than its newest `kept`; returns the thumbnail keys the deleted
 * revisions named (the caller decides which files nothing names any more).
 */
export async function trimRevisions(
  db: Kysely<Database>,
  postIds: readonly number[],
  kept: number,
): Promise<string[]> {
  if (postIds.length === 0) return [];
  const result = await sql<{ thumbnail: string | null }>`
    WITH cut AS (
      SELECT p.id AS post_id,
        (SELECT k.id FROM post_revisions k WHERE k.post_id = p.id
         ORDER BY k.id DESC OFFSET ${kept - 1} LIMIT 1) AS oldest_kept
      FROM posts p WHERE p.id = ANY(${idArray(postIds)})
    )
    DELETE FROM post_revisions r USING cut
    WHERE r.post_id = cut.post_id AND r.id < cut.oldest_kept
    RETURNING r.thumbnail`.execute(db);
  return result.rows.flatMap((row) => (row.thumbnail ? [row.thumbnail] : []));
}

/** The keys among `keys` that one of the posts or any of their revisions still names. */
export async function thumbnailsInUse(
  db: Kysely<Database>,
  postIds: readonly number[],
  keys: readonly string[],
): Promise<Set<string>> {
  if (postIds.length === 0 || keys.length === 0) return new Set();
  const named = sql`${[...keys]}::text[]`;
  const result = await sql<{ thumbnail: string }>`
    SELECT thumbnail FROM posts WHERE id = ANY(${idArray(postIds)}) AND thumbnail = ANY(${named})
    UNION
    SELECT thumbnail FROM post_revisions
    WHERE post_id = ANY(${idArray(postIds)}) AND thumbnail = ANY(${named})`.execute(db);
  return new Set(result.rows.map((row) => row.thumbnail));
}

export interface RevisionSummaryRecord {
  id: number;
  kind: PostRevisionKind;
  title: string;
  excerpt: string;
  tags: string[];
  categories: CategoryRef[];
  thumbnail: string | null;
  is_published: boolean;
  restored_from: number | null;
  created_by: UserRef | null;
  created_at: Date;
}

export interface RevisionRecord extends RevisionSummaryRecord {
  body: string;
  excerpt_is_custom: boolean;
}

interface AuthorColumns {
  author_id: number | null;
  author_username: string | null;
  author_slug: string | null;
}

function revisionQuery(db: Kysely<Database>) {
  return db
    .selectFrom('post_revisions as r')
    .leftJoin('users as u', 'u.id', 'r.created_by')
    .select([
      'r.id',
      'r.kind',
      'r.title',
      'r.excerpt',
      'r.tags',
      'r.categories',
      'r.thumbnail',
      'r.is_published',
      'r.restored_from',
      'r.created_at',
      'u.id as author_id',
      'u.username as author_username',
      'u.slug as author_slug',
    ]);
}

function withAuthor<R extends AuthorColumns>(
  row: R,
): Omit<R, keyof AuthorColumns> & { created_by: UserRef | null } {
  const { author_id, author_username, author_slug, ...rest } = row;
  const created_by =
    author_id !== null && author_username !== null && author_slug !== null
      ? { id: author_id, username: author_username, slug: author_slug }
      : null;
  return { ...rest, created_by };
}

/** One page of a post's revisions, newest first, and their number: two statements. */
export async function listRevisions(
  db: Kysely<Database>,
  postId: number,
  window: { limit: number; offset: number },
): Promise<{ count: number; results: RevisionSummaryRecord[] }> {
  const { count } = await db
    .selectFrom('post_revisions')
    .select(sql<number>`count(*)::int`.as('count'))
    .where('post_id', '=', postId)
    .executeTakeFirstOrThrow();
  if (count === 0 || window.offset >= count) return { count, results: [] };
  const rows = await revisionQuery(db)
    .where('r.post_id', '=', postId)
    .orderBy('r.id', 'desc')
    .limit(window.limit)
    .offset(window.offset)
    .execute();
  return { count, results: rows.map(withAuthor) };
}

/** One revision of a post, with its body. */
export async function findRevision(
  db: Kysely<Database>,
  postId: number,
  revisionId: number,
): Promise<RevisionRecord | undefined> {
  const row = await revisionQuery(db)
    .select(['r.body', 'r.excerpt_is_custom'])
    .where('r.post_id', '=', postId)
    .where('r.id', '=', revisionId)
    .executeTakeFirst();
  return row ? withAuthor(row) : undefined;
}
