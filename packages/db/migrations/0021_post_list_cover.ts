import { type Kysely, sql } from 'kysely';

/*
 * A covering index for the post lists' narrow first pass (packages/api/src/posts/queries.ts, listPosts): with a filter
 * that is not an index of its own (a category, a tag) and a deep page, the list checks visibility and
 * reads the sort key of every candidate post. With these columns in the index, that is an index-only
 * scan instead of a heap fetch per candidate (page 200 of a 10,000-post category: 10,000 fetches).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE INDEX posts_live_cover_idx ON posts (id)
    INCLUDE (is_published, author_id, published_at, created_at) WHERE NOT is_deleted`.execute(db);
}
