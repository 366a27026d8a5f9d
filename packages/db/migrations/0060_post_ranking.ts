import { type Kysely, sql } from 'kysely';

/*
 * Search ranking without TOAST, and a rule the keyset pages rely on.
 *
 * `rank_vector` (title, weight A + excerpt, weight B) is what a ranked search sorts by; matching still
 * uses `search_vector` (title + the whole body) and its GIN index. Ranking on `search_vector` read
 * every match's vector from TOAST — it is several kilobytes for a ~300-word body — so a search ranked
 * 4,000 matches by reading ~40,000 buffers; `rank_vector` is a few hundred bytes and stays in the
 * heap row (bench/results/issue-12-research.md: 131 → 48 ms for that page at 100k posts). Title hits
 * still come first (the A part is the same title). Adding a stored generated column rewrites the table
 * once, under an exclusive lock: about a minute per 100,000 posts on a 2-core machine.
 *
 * `posts_published_dated`: a published post always has its `published_at` (the code sets it when a
 * post is first published and never clears it). The post lists' keyset pages count on it: a
 * non-staff reader's undated rows are then only their own drafts. Rows written outside the API
 * (a script, psql) that broke the rule are dated first, by their last update, so the check holds.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE posts ADD COLUMN rank_vector tsvector GENERATED ALWAYS AS (
      setweight(to_tsvector('english'::regconfig, title), 'A') ||
      setweight(to_tsvector('english'::regconfig, excerpt), 'B')
    ) STORED`.execute(db);
  await sql`UPDATE posts SET published_at = updated_at WHERE is_published AND published_at IS NULL`.execute(
    db,
  );
  // The update queued the deferred content-version trigger (0020); ALTER TABLE refuses a table with
  // pending trigger events, so they run now.
  await sql`SET CONSTRAINTS ALL IMMEDIATE`.execute(db);
  await sql`
    ALTER TABLE posts ADD CONSTRAINT posts_published_dated
    CHECK (NOT is_published OR published_at IS NOT NULL)`.execute(db);
}
