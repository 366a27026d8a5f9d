import type { Database } from '@lectern/db';
import { type Kysely, sql } from 'kysely';

/*
 * Scheduled publishing (migration 0031). The conditions match the partial index
 * posts_publish_due_idx (`publish_at IS NOT NULL AND NOT is_deleted`), written as literals so the
 * planner can prove it: the probe and the claim read only the pending schedules.
 */

const due = sql<boolean>`publish_at IS NOT NULL AND publish_at <= now() AND NOT is_deleted`;

/** Whether any scheduled post is due (a cheap probe, outside any transaction). */
export async function hasDuePost(db: Kysely<Database>): Promise<boolean> {
  const row = await db.selectFrom('posts').select('id').where(due).limit(1).executeTakeFirst();
  return row !== undefined;
}

/**
 * Locks up to `limit` due posts for this transaction, oldest schedule first. Rows another transaction
 * holds (another process publishing them, an editor changing them) are skipped, not waited for: each
 * due post is claimed by exactly one transaction, and the others move on.
 */
export async function claimDuePosts(
  db: Kysely<Database>,
  limit: number,
): Promise<Array<{ id: number; slug: string; author_id: number }>> {
  return db
    .selectFrom('posts')
    .select(['id', 'slug', 'author_id'])
    .where(due)
    .orderBy('publish_at')
    .orderBy('id')
    .limit(limit)
    .forUpdate()
    .skipLocked()
    .execute();
}

/**
 * Publishes claimed posts: `published_at` becomes the scheduled time (unless the post was published
 * before: the first publication date is kept), and the schedule is cleared.
 */
export async function publishScheduledPosts(db: Kysely<Database>, ids: readonly number[]): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable('posts')
    .set({
      is_published: true,
      published_at: sql<Date>`coalesce(published_at, publish_at)`,
      publish_at: null,
      updated_at: sql<Date>`now()`,
    })
    // One array parameter: the same statement text for every batch size.
    .where(sql<boolean>`id = ANY(${[...ids]}::int[])`)
    .execute();
}
