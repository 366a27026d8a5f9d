import { type Kysely, sql } from 'kysely';

/*
 * Posts, categories and the file gallery.
 *
 * Full-text search: `search_vector` is generated from the title (weight A) and the tag-stripped body
 * (weight B) with an explicit `'english'::regconfig`, so every function in the expression is immutable
 * on PostgreSQL 15 and on PGlite (PostgreSQL 18). Block-level tags become spaces (they separate
 * words), inline tags vanish; the body is already sanitised, so the only entities left are the
 * escaped markup characters, which carry no words. Only the first 200,000 characters of body text are
 * indexed: a tsvector is capped at 1 MB and a 1 MiB body of distinct words would exceed it.
 *
 * Tags keep the author's spelling in `tags`; `tag_keys` (generated, lower-cased) is what the
 * case-insensitive `tag` filter and its GIN index use.
 *
 * Every list ordering and filter has an index, partial on `NOT is_deleted` (deleted posts only ever
 * appear in the trash, which has its own partial index).
 */
const BLOCK_TAGS =
  'address|article|aside|blockquote|br|caption|dd|details|div|dl|dt|figcaption|figure|footer|h[1-6]|' +
  'header|hr|li|main|nav|ol|p|pre|section|summary|table|tbody|td|tfoot|th|thead|tr|ul';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE FUNCTION lectern_tag_keys(tags text[]) RETURNS text[]
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$ SELECT coalesce(array_agg(lower(t) ORDER BY o), '{}') FROM unnest(tags) WITH ORDINALITY AS u(t, o) $$
  `.execute(db);

  const bodyText = sql.raw(
    `left(regexp_replace(regexp_replace(regexp_replace(body, '</?(${BLOCK_TAGS})(\\s[^>]*)?/?>', ' ', 'gi'), ` +
      `'<[^>]*>', '', 'g'), '&[a-z0-9#]+;', ' ', 'gi'), 200000)`,
  );

  await db.schema
    .createTable('posts')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('author_id', 'integer', (c) => c.notNull().references('users.id').onDelete('restrict'))
    .addColumn('title', 'varchar(250)', (c) => c.notNull())
    .addColumn('slug', 'varchar(255)', (c) => c.notNull().unique())
    .addColumn('body', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('excerpt', 'text', (c) => c.notNull().defaultTo(''))
    // True when the client set the excerpt: it is then kept when the body changes.
    .addColumn('excerpt_is_custom', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('tags', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'::text[]`))
    .addColumn('tag_keys', sql`text[]`, (c) => c.generatedAlwaysAs(sql`lectern_tag_keys(tags)`).stored())
    .addColumn('thumbnail', 'text')
    .addColumn('is_published', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('published_at', 'timestamptz')
    .addColumn('is_deleted', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('deleted_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('search_vector', sql`tsvector`, (c) =>
      c
        .generatedAlwaysAs(
          sql`setweight(to_tsvector('english'::regconfig, title), 'A') || setweight(to_tsvector('english'::regconfig, ${bodyText}), 'B')`,
        )
        .stored(),
    )
    .execute();

  const postIndexes = [
    // Default order (newest first) for staff, and for non-staff through the published index below.
    'CREATE INDEX posts_created_idx ON posts (created_at DESC, id DESC) WHERE NOT is_deleted',
    'CREATE INDEX posts_published_created_idx ON posts (created_at DESC, id DESC) WHERE NOT is_deleted AND is_published',
    // `author` filter and a user's own drafts.
    'CREATE INDEX posts_author_created_idx ON posts (author_id, created_at DESC, id DESC) WHERE NOT is_deleted',
    // ordering=title / -title (one index, scanned either way).
    'CREATE INDEX posts_title_idx ON posts (title, id) WHERE NOT is_deleted',
    // ordering=-published_at / published_at: drafts (no date) last either way.
    'CREATE INDEX posts_published_at_desc_idx ON posts (published_at DESC NULLS LAST, id DESC) WHERE NOT is_deleted',
    'CREATE INDEX posts_published_at_asc_idx ON posts (published_at ASC NULLS LAST, id ASC) WHERE NOT is_deleted',
    'CREATE INDEX posts_search_idx ON posts USING gin (search_vector) WHERE NOT is_deleted',
    'CREATE INDEX posts_tags_idx ON posts USING gin (tag_keys) WHERE NOT is_deleted',
    'CREATE INDEX posts_trash_idx ON posts (deleted_at DESC, id DESC) WHERE is_deleted',
  ];
  for (const statement of postIndexes) await sql.raw(statement).execute(db);

  await db.schema
    .createTable('categories')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('name', 'varchar(100)', (c) => c.notNull())
    .addColumn('slug', 'varchar(120)', (c) => c.notNull().unique())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .execute();
  // Unique case-insensitively; also serves the list's order.
  await sql`CREATE UNIQUE INDEX categories_name_lower_key ON categories (lower(name))`.execute(db);

  await db.schema
    .createTable('post_categories')
    .addColumn('post_id', 'integer', (c) => c.notNull().references('posts.id').onDelete('cascade'))
    .addColumn('category_id', 'integer', (c) => c.notNull().references('categories.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('post_categories_pkey', ['post_id', 'category_id'])
    .execute();
  // `categories` filter: posts of a category.
  await sql`CREATE INDEX post_categories_category_idx ON post_categories (category_id, post_id)`.execute(db);

  await db.schema
    .createTable('files')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('title', 'varchar(255)', (c) => c.notNull())
    .addColumn('file', 'text', (c) => c.notNull().unique())
    .addColumn('original_name', 'text', (c) => c.notNull())
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('uploaded_by', 'integer', (c) => c.notNull().references('users.id').onDelete('restrict'))
    .addColumn('uploaded_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`CREATE INDEX files_uploaded_idx ON files (uploaded_at DESC, id DESC)`.execute(db);
  await sql`CREATE INDEX files_uploaded_by_idx ON files (uploaded_by)`.execute(db);
}
