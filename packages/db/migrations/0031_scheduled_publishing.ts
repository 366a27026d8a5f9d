import { type Kysely, sql } from 'kysely';

/*
 * Scheduled publishing: a draft with `publish_at` is published at that time by the scheduler that every
 * server process runs (packages/api/src/posts/scheduler.ts). The partial index holds only the pending
 * schedules, so the scheduler's "anything due?" probe reads a handful of entries however large the
 * table. The check keeps "scheduled" and "published" exclusive; NOT VALID skips a scan of the existing
 * rows, which cannot violate it (the column is new), while every later write is checked.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE posts ADD COLUMN publish_at timestamptz`.execute(db);
  await sql`
    ALTER TABLE posts ADD CONSTRAINT posts_scheduled_is_draft
    CHECK (publish_at IS NULL OR NOT is_published) NOT VALID`.execute(db);
  await sql`
    CREATE INDEX posts_publish_due_idx ON posts (publish_at, id) WHERE publish_at IS NOT NULL AND NOT is_deleted
  `.execute(db);
}
