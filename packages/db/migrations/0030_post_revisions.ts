import { type Kysely, sql } from 'kysely';

/*
 * Post revisions: the content of a post as one write left it (create, update, a restored revision,
 * the scheduler's publish), with who made the write and when. The state before any change is thus
 * the revision before it; a post written before this table existed gets an `initial` revision of its
 * state at its first change. Written in the transaction of the change (packages/api/src/posts/revisions.ts).
 *
 * Categories are kept as they were named then (`[{id, name, slug}]`); restoring one brings back the
 * ids that still exist. Growth is bounded per post: the same transaction deletes the revisions past
 * the newest REVISIONS_KEPT, so no background job is needed and the index below serves both the list
 * and the trim.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE post_revisions (
      id integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY,
      post_id integer NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
      kind text NOT NULL CHECK (kind IN ('initial', 'create', 'update', 'restore', 'publish')),
      title varchar(250) NOT NULL,
      body text NOT NULL,
      excerpt text NOT NULL,
      excerpt_is_custom boolean NOT NULL,
      tags text[] NOT NULL,
      categories jsonb NOT NULL,
      thumbnail text,
      is_published boolean NOT NULL,
      -- The revision a restore brought back (not a foreign key: it may have been trimmed since).
      restored_from integer,
      -- Null: the scheduler, or unknown (an initial revision).
      created_by integer REFERENCES users (id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX post_revisions_post_idx ON post_revisions (post_id, id DESC)`.execute(db);
}
