import type { Database, PostRow } from '@lectern/db';
import { type ExpressionBuilder, type Kysely, type RawBuilder, type SelectQueryBuilder, sql } from 'kysely';
import { jsonArrayFrom, jsonBuildObject } from 'kysely/helpers/postgres';
import type { VariantRecord } from '../shared/image-variants.ts';
import type { UserRef } from '../shared/schemas.ts';
import { type CategoryRef, type ListOrder, listOrder, type PostOrdering, type SortKey } from './schemas.ts';

/*
 * Every list here runs a fixed number of statements whatever the page size (the post list one: its page
 * with the count inside; the trash two), each post with its author (a join), categories and thumbnail
 * variants (correlated json_aggs evaluated for the page's rows only). Conditions that a partial index must match (`NOT is_deleted`, `is_published`) are written
 * as literals, never as parameters, so the planner can prove the index predicate.
 */

export interface PostFilters {
  isPublished?: boolean | undefined;
  /** Category slug. */
  category?: string | undefined;
  /** Author's user slug. */
  author?: string | undefined;
  /** Matched case-insensitively against each tag. */
  tag?: string | undefined;
  /** websearch syntax ("quoted phrase", -excluded, or). */
  search?: string | undefined;
  /** true: drafts waiting for their `publish_at`; false: posts without a schedule. */
  scheduled?: boolean | undefined;
}

/**
 * Who is listing: staff see every post; a user published posts plus their own drafts; no user (a
 * content key, an anonymous reader: `id` null) published posts only.
 */
export interface Viewer {
  id: number | null;
  staff: boolean;
}

/** A post's own columns, without those the database derives for searching and filtering. */
export type StoredPost = Omit<PostRow, 'search_vector' | 'rank_vector' | 'tag_keys'>;

/** A post row with what its API shape needs from other tables. */
export type PostRecord = StoredPost & {
  author: UserRef;
  categories: CategoryRef[];
  /** The thumbnail's variants (migration 0040), smallest first. */
  variants: VariantRecord[];
};
export type PostSummaryRecord = Omit<PostRecord, 'body'>;

type PostQuery = SelectQueryBuilder<Database, 'posts', object>;
type PostEb = ExpressionBuilder<Database, 'posts'>;

const searchQuery = (text: string) => sql`websearch_to_tsquery('english'::regconfig, ${text})`;

const summaryColumns = [
  'posts.id',
  'posts.author_id',
  'posts.title',
  'posts.slug',
  'posts.excerpt',
  'posts.excerpt_is_custom',
  'posts.tags',
  'posts.thumbnail',
  'posts.is_published',
  'posts.published_at',
  'posts.publish_at',
  'posts.is_deleted',
  'posts.deleted_at',
  'posts.created_at',
  'posts.updated_at',
] as const;

function withRelations<O>(qb: SelectQueryBuilder<Database, 'posts', O>) {
  return qb.innerJoin('users', 'users.id', 'posts.author_id').select((eb) => [
    jsonBuildObject({
      id: eb.ref('users.id'),
      username: eb.ref('users.username'),
      slug: eb.ref('users.slug'),
    }).as('author'),
    jsonArrayFrom(
      eb
        .selectFrom('post_categories as pc')
        .innerJoin('categories as c', 'c.id', 'pc.category_id')
        .select(['c.id', 'c.name', 'c.slug'])
        .whereRef('pc.post_id', '=', 'posts.id')
        .orderBy(sql`lower(c.name)`)
        .orderBy('c.id'),
    ).as('categories'),
    jsonArrayFrom(
      eb
        .selectFrom('image_variants as v')
        .select(['v.key', 'v.width', 'v.height', 'v.format'])
        .whereRef('v.original_key', '=', 'posts.thumbnail')
        .orderBy('v.width')
        .orderBy('v.format', 'desc'),
    ).as('variants'),
  ]);
}

function visibleTo(qb: PostQuery, viewer: Viewer): PostQuery {
  const live = qb.where(sql<boolean>`not posts.is_deleted`);
  if (viewer.staff) return live;
  const id = viewer.id;
  if (id === null) return live.where(sql<boolean>`posts.is_published`);
  return live.where((eb: PostEb) =>
    eb.or([sql<boolean>`posts.is_published`, eb('posts.author_id', '=', id)]),
  );
}

function filtered(qb: PostQuery, filters: PostFilters): PostQuery {
  let q = qb;
  if (filters.isPublished === true) q = q.where(sql<boolean>`posts.is_published`);
  if (filters.isPublished === false) q = q.where(sql<boolean>`not posts.is_published`);
  if (filters.author !== undefined) {
    const slug = filters.author;
    q = q.where('posts.author_id', 'in', (eb: PostEb) =>
      eb.selectFrom('users as author').select('author.id').where('author.slug', '=', slug),
    );
  }
  if (filters.category !== undefined) {
    const slug = filters.category;
    q = q.where('posts.id', 'in', (eb: PostEb) =>
      eb
        .selectFrom('post_categories as fc')
        .innerJoin('categories as fcat', 'fcat.id', 'fc.category_id')
        .select('fc.post_id')
        .where('fcat.slug', '=', slug),
    );
  }
  if (filters.tag !== undefined) {
    q = q.where(sql<boolean>`posts.tag_keys @> array[lower(${filters.tag})]::text[]`);
  }
  if (filters.search !== undefined) {
    q = q.where(sql<boolean>`posts.search_vector @@ ${searchQuery(filters.search)}`);
  }
  if (filters.scheduled === true) q = q.where('posts.publish_at', 'is not', null);
  if (filters.scheduled === false) q = q.where('posts.publish_at', 'is', null);
  return q;
}

/** The expressions a list sorts by, in order, the row id last (see cursor.ts for the key's shape). */
function sortKeyOf(order: ListOrder, search: string | undefined) {
  switch (order) {
    case 'created_at':
    case '-created_at':
      return [sql`posts.created_at`, sql`posts.id`];
    case 'title':
    case '-title':
      return [sql`posts.title`, sql`posts.id`];
    case 'published_at':
    case '-published_at':
      return [sql`posts.published_at`, sql`posts.id`];
    case 'rank': {
      // Title matches first (the weight-A part of the vector matches the whole query), then rank:
      // ts_rank alone can put a body-only hit above a title hit for queries with `-excluded` words.
      // Both read `rank_vector` (title + excerpt, kept in the row), not `search_vector`, which matched
      // (title + whole body) but lives in TOAST: ranking 4,000 matches read 40,000 buffers (0060).
      const query = searchQuery(search ?? '');
      return [
        sql`(ts_filter(posts.rank_vector, '{a}') @@ ${query})`,
        sql`ts_rank(posts.rank_vector, ${query})`,
        sql`posts.created_at`,
        sql`posts.id`,
      ];
    }
  }
}

/** Orders by the list's sort key (plain SQL, so it fits any builder that has `posts` in scope). */
function ordered<QB extends SelectQueryBuilder<Database, 'posts', object>>(
  qb: QB,
  order: ListOrder,
  search?: string,
): QB {
  const by = (...terms: RawBuilder<unknown>[]) => terms.reduce<QB>((q, term) => q.orderBy(term) as QB, qb);
  switch (order) {
    case 'created_at':
      return by(sql`posts.created_at asc`, sql`posts.id asc`);
    case '-created_at':
      return by(sql`posts.created_at desc`, sql`posts.id desc`);
    case 'title':
      return by(sql`posts.title asc`, sql`posts.id asc`);
    case '-title':
      return by(sql`posts.title desc`, sql`posts.id desc`);
    case 'published_at':
      return by(sql`posts.published_at asc nulls last`, sql`posts.id asc`);
    case '-published_at':
      return by(sql`posts.published_at desc nulls last`, sql`posts.id desc`);
    case 'rank': {
      const [titleMatch, rank] = sortKeyOf('rank', search);
      return by(sql`${titleMatch} desc`, sql`${rank} desc`, sql`posts.created_at desc`, sql`posts.id desc`);
    }
  }
}

/** The cast that gives each part of a sort key its column's type. */
const KEY_CASTS: Record<ListOrder, string[]> = {
  created_at: ['timestamptz', 'int4'],
  '-created_at': ['timestamptz', 'int4'],
  title: ['text', 'int4'],
  '-title': ['text', 'int4'],
  published_at: ['timestamptz', 'int4'],
  '-published_at': ['timestamptz', 'int4'],
  rank: ['boolean', 'real', 'timestamptz', 'int4'],
};

/**
 * Rows after `key` in the list's order: a row comparison, which the (key…, id) indexes answer as a range
 * scan. `published_at` sorts drafts (no date) last in both directions: after a dated key come the dated
 * rows past it, then every undated draft — two ranges of its index, so two branches (an OR of the two
 * would be a filter over every row skipped, not an index condition); after an undated key, undated
 * drafts past its id. A published post always has a date (constraint `posts_published_dated`), so the
 * undated rows a list shows are staff's whole set of drafts, a user's own drafts (read through the
 * author's index, not by filtering everyone's drafts out of the undated range), or none at all.
 */
function after(
  qb: PostQuery,
  opts: Pick<PostListOptions, 'viewer' | 'filters'>,
  order: ListOrder,
  key: SortKey,
): { range: PostQuery; drafts?: PostQuery } {
  const search = opts.filters.search;
  const exprs = sortKeyOf(order, search);
  const values = key.map((value, i) => sql`cast(${value} as ${sql.raw(KEY_CASTS[order][i] ?? 'text')})`);
  const ascending = order === 'created_at' || order === 'title' || order === 'published_at';
  const op = sql.raw(ascending ? '>' : '<');
  if (order === 'published_at' || order === '-published_at') {
    const [date, id] = values as [RawBuilder<unknown>, RawBuilder<unknown>];
    const { viewer } = opts;
    const undated = qb.where(sql<boolean>`posts.published_at is null`);
    const drafts = seesOnlyPublished(opts)
      ? undefined
      : viewer.staff || viewer.id === null
        ? undated
        : undated.where('posts.author_id', '=', viewer.id);
    if (key[0] === null) {
      // Past the dated rows: an empty range when this view has no undated rows.
      return { range: (drafts ?? qb.where(sql<boolean>`false`)).where(sql<boolean>`posts.id ${op} ${id}`) };
    }
    const range = qb.where(sql<boolean>`(posts.published_at, posts.id) ${op} (${date}, ${id})`);
    return drafts === undefined ? { range } : { range, drafts };
  }
  return { range: qb.where(sql<boolean>`(${sql.join(exprs)}) ${op} (${sql.join(values)})`) };
}

const countOf = (qb: PostQuery) => qb.select(sql<number>`count(*)::int`.as('count'));

/** A list of published posts only: asked for, or the viewer is no user (a content key, anonymous). */
const seesOnlyPublished = ({ viewer, filters }: Pick<PostListOptions, 'viewer' | 'filters'>) =>
  filters.isPublished === true || (!viewer.staff && viewer.id === null);

/** True when the list has no filter but the published state: its count is kept by post_counts. */
function unfiltered(filters: PostFilters): boolean {
  return (
    filters.category === undefined &&
    filters.author === undefined &&
    filters.tag === undefined &&
    filters.search === undefined &&
    filters.scheduled === undefined
  );
}

/**
 * The number of posts the list shows, as a one-row query. Without filters it is read from the counts
 * the database keeps (`post_counts`, migration 0061: one row instead of counting every live post); a
 * user's own drafts are added by an index-only count of their posts. Otherwise it is counted. For a
 * non-staff viewer "published, or mine" is counted as published posts plus the viewer's own drafts:
 * each half is an index-only scan of a partial index, where the OR would read the whole table.
 */
function countQuery(db: Kysely<Database>, opts: PostListOptions) {
  const { viewer, filters } = opts;
  const ownId = viewer.id;
  const live = db.selectFrom('posts').where(sql<boolean>`not posts.is_deleted`);
  const ownDrafts = (id: number) =>
    countOf(
      filtered(live.where(sql<boolean>`not posts.is_published`).where('posts.author_id', '=', id), filters),
    );
  if (unfiltered(filters)) {
    const kept = (column: 'live' | 'published' | 'drafts') =>
      db
        .selectFrom('post_counts')
        .where('post_counts.id', '=', 1)
        .select(
          column === 'drafts'
            ? sql<number>`(post_counts.live - post_counts.published)::int`.as('count')
            : sql<number>`post_counts.${sql.ref(column)}::int`.as('count'),
        );
    if (seesOnlyPublished(opts)) return kept('published');
    if (viewer.staff) return kept(filters.isPublished === false ? 'drafts' : 'live');
    if (ownId !== null && filters.isPublished === undefined) {
      return db.selectNoFrom(sql<number>`(${kept('published')}) + (${ownDrafts(ownId)})`.as('count'));
    }
  }
  if (viewer.staff || ownId === null || filters.isPublished !== undefined) {
    return countOf(filtered(visibleTo(db.selectFrom('posts'), viewer), filters));
  }
  const published = countOf(filtered(live.where(sql<boolean>`posts.is_published`), filters));
  return db.selectNoFrom(sql<number>`(${published}) + (${ownDrafts(ownId)})`.as('count'));
}

export interface PostListOptions {
  viewer: Viewer;
  filters: PostFilters;
  ordering: PostOrdering | undefined;
  limit: number;
  offset: number;
  /** Keyset pagination: rows after this sort key (from a cursor) instead of `offset`. */
  after?: SortKey | undefined;
  /** With `after`: the list's count the cursor carries (cursor.ts), reported instead of counting again. */
  knownCount?: number | undefined;
}

export interface PostListPage {
  count: number;
  results: PostSummaryRecord[];
  /** The sort key of the page's last row when more rows follow it; null at the end. */
  nextKey: SortKey | null;
}

/**
 * One page of the post list and the total count, by page number (offset) or after a cursor's key, in
 * one statement: the count rides along as an uncorrelated subquery (computed once) in each row of the
 * page — one round trip instead of two. Only an empty page (an empty list, a page past the end) asks
 * for the count on its own; a cursor that carries the count (cursor.ts) is not counted again. One row
 * more than the page is read, to know whether a next key exists.
 */
export async function listPosts(db: Kysely<Database>, opts: PostListOptions): Promise<PostListPage> {
  const search = opts.filters.search;
  const order = listOrder(opts.ordering, search);
  const base = filtered(visibleTo(db.selectFrom('posts'), opts.viewer), opts.filters);
  const knownCount = opts.after !== undefined ? opts.knownCount : undefined;
  // Deferred join: order and skip over narrow rows first, then read the columns and relations of the
  // page's rows only. Selected in one pass, a deep page (offset 4,000) fetched, sorted (spilling to
  // disk) and gave categories to every skipped row. Still one statement. One row more than the page
  // tells whether a next key exists. The ids come from `posts` alone: joining the author there (the
  // foreign key already guarantees one) turned the index-only scan into a heap read per skipped row.
  const idsOf = (qb: PostQuery) => ordered(qb.select('posts.id'), order, search).limit(opts.limit + 1);
  const { range, drafts } = opts.after ? after(base, opts, order, opts.after) : { range: base };
  const pageIds =
    drafts === undefined
      ? idsOf(range).offset(opts.after ? 0 : opts.offset)
      : db
          .selectFrom(idsOf(range).as('dated'))
          .select('dated.id')
          .unionAll(db.selectFrom(idsOf(drafts).as('undated')).select('undated.id'));
  const rows = await ordered(
    withRelations(db.selectFrom('posts').select(summaryColumns))
      .select(sql<SortKey>`json_build_array(${sql.join(sortKeyOf(order, search))})`.as('sort_key'))
      .select(
        knownCount === undefined
          ? sql<number>`(${countQuery(db, opts)})`.as('total_count')
          : sql<number>`${knownCount}::int`.as('total_count'),
      )
      .where('posts.id', 'in', pageIds),
    order,
    search,
  )
    .limit(opts.limit + 1)
    .execute();
  const first = rows[0];
  if (first === undefined) {
    const count = knownCount ?? (await countQuery(db, opts).executeTakeFirstOrThrow()).count;
    return { count, results: [], nextKey: null };
  }
  const more = rows.length > opts.limit;
  const page = more ? rows.slice(0, opts.limit) : rows;
  const results = page.map(({ sort_key: _, total_count: __, ...record }) => record);
  return { count: first.total_count, results, nextKey: more ? (page.at(-1)?.sort_key ?? null) : null };
}

/** One page of the trash (deleted posts, most recently deleted first): two statements. */
export async function listDeletedPosts(
  db: Kysely<Database>,
  window: { limit: number; offset: number },
): Promise<{ count: number; results: PostSummaryRecord[] }> {
  const base = db.selectFrom('posts').where(sql<boolean>`posts.is_deleted`);
  const { count } = await base.select(sql<number>`count(*)::int`.as('count')).executeTakeFirstOrThrow();
  if (count === 0 || window.offset >= count) return { count, results: [] };
  const results = await withRelations(base.select(summaryColumns))
    .orderBy('posts.deleted_at', 'desc')
    .orderBy('posts.id', 'desc')
    .limit(window.limit)
    .offset(window.offset)
    .execute();
  return { count, results };
}

/** A post with its author and categories, deleted or not (callers decide who may see it). */
export async function findPostBySlug(db: Kysely<Database>, slug: string): Promise<PostRecord | undefined> {
  return withRelations(db.selectFrom('posts').select([...summaryColumns, 'posts.body']))
    .where('posts.slug', '=', slug)
    .executeTakeFirst();
}

export async function findPostById(db: Kysely<Database>, id: number): Promise<PostRecord | undefined> {
  return withRelations(db.selectFrom('posts').select([...summaryColumns, 'posts.body']))
    .where('posts.id', '=', id)
    .executeTakeFirst();
}

/** Who wrote the post and whether it is live and published: enough to decide access. */
export async function findPostAccess(
  db: Kysely<Database>,
  slug: string,
): Promise<{ id: number; author_id: number; is_published: boolean; is_deleted: boolean } | undefined> {
  return db
    .selectFrom('posts')
    .select(['id', 'author_id', 'is_published', 'is_deleted'])
    .where('slug', '=', slug)
    .executeTakeFirst();
}

/** The bare row, locked for the rest of the transaction (an update or delete follows). */
export async function lockPostBySlug(db: Kysely<Database>, slug: string): Promise<StoredPost | undefined> {
  return db
    .selectFrom('posts')
    .select([...summaryColumns, 'posts.body'])
    .where('posts.slug', '=', slug)
    .forUpdate()
    .executeTakeFirst();
}

export interface NewPostValues {
  author_id: number;
  title: string;
  slug: string;
  body: string;
  excerpt: string;
  excerpt_is_custom: boolean;
  tags: string[];
  thumbnail: string | null;
  is_published: boolean;
  /** A draft's scheduled publication (never with `is_published`: a check constraint says so). */
  publish_at: Date | null;
}

/** Inserts a post unless its slug is taken (then undefined: the caller picks another slug). */
export async function insertPost(db: Kysely<Database>, values: NewPostValues): Promise<number | undefined> {
  const row = await db
    .insertInto('posts')
    .values({
      ...values,
      published_at: values.is_published ? sql<Date>`now()` : null,
    })
    .onConflict((oc) => oc.column('slug').doNothing())
    .returning('id')
    .executeTakeFirst();
  return row?.id;
}

export type PostChanges = Partial<
  Pick<
    NewPostValues,
    'title' | 'body' | 'excerpt' | 'excerpt_is_custom' | 'tags' | 'thumbnail' | 'is_published' | 'publish_at'
  >
>;

/** Applies changes; `published_at` is set the first time the post is published, then kept. */
export async function updatePost(db: Kysely<Database>, id: number, changes: PostChanges): Promise<void> {
  await db
    .updateTable('posts')
    .set({
      ...changes,
      ...(changes.is_published === true ? { published_at: sql<Date>`coalesce(published_at, now())` } : {}),
      updated_at: sql<Date>`now()`,
    })
    .where('id', '=', id)
    .execute();
}

export async function softDeletePost(db: Kysely<Database>, id: number): Promise<void> {
  await db
    .updateTable('posts')
    .set({
      is_deleted: true,
      is_published: false,
      // A trashed post is not published later, nor when it comes back from the trash.
      publish_at: null,
      deleted_at: sql<Date>`now()`,
      updated_at: sql<Date>`now()`,
    })
    .where('id', '=', id)
    .execute();
}

/** Brings a deleted post back as a draft. */
export async function restorePost(db: Kysely<Database>, id: number): Promise<void> {
  await db
    .updateTable('posts')
    .set({ is_deleted: false, is_published: false, deleted_at: null, updated_at: sql<Date>`now()` })
    .where('id', '=', id)
    .execute();
}

/** The ids among `ids` that name no category. */
export async function missingCategoryIds(db: Kysely<Database>, ids: readonly number[]): Promise<number[]> {
  if (ids.length === 0) return [];
  const found = await db.selectFrom('categories').select('id').where('id', 'in', ids).execute();
  const known = new Set(found.map((r) => r.id));
  return ids.filter((id) => !known.has(id));
}

/** Replaces the post's categories with `ids` (already known to exist). */
export async function setPostCategories(
  db: Kysely<Database>,
  postId: number,
  ids: readonly number[],
): Promise<void> {
  await db.deleteFrom('post_categories').where('post_id', '=', postId).execute();
  if (ids.length === 0) return;
  await db
    .insertInto('post_categories')
    .values(ids.map((categoryId) => ({ post_id: postId, category_id: categoryId })))
    .execute();
}
