import type { Database } from '@lectern/db';
import type { Kysely } from 'kysely';
import { type AuthedContext, type AuthUser, type Context, isStaff } from '../context.ts';
import { fail } from '../errors.ts';
import { excerptOf, sanitizeBody } from '../shared/html.ts';
import { postSlug } from '../shared/slugs.ts';
import type { Storage } from '../shared/storage.ts';
import { type IncomingFile, type StoredUpload, storeUpload, withUpload } from '../shared/uploads.ts';
import {
  findPostAccess,
  findPostById,
  insertPost,
  listPosts,
  lockPostBySlug,
  missingCategoryIds,
  type PostChanges,
  type PostListOptions,
  type PostRecord,
  type PostSummaryRecord,
  restorePost as restorePostRow,
  setPostCategories,
  softDeletePost,
  updatePost as updatePostRow,
} from './queries.ts';
import type { Post, PostCreateInput, PostSummary, PostUpdateFields } from './schemas.ts';

/**
 * The cache key of a post list: its filters, ordering and window, and whose view it is. Staff see every
 * live post, others the published ones plus their own drafts; with `is_published=true` both views are
 * the same, so that list (the public front page) is shared by every reader.
 */
function postListCacheKey(options: PostListOptions): string {
  const { viewer, filters } = options;
  const view = filters.isPublished === true ? 'published' : viewer.staff ? 'staff' : `user:${viewer.id}`;
  return JSON.stringify([
    'posts.list',
    view,
    filters.isPublished ?? null,
    filters.category ?? null,
    filters.author ?? null,
    filters.tag ?? null,
    filters.search ?? null,
    options.ordering ?? null,
    options.limit,
    options.offset,
  ]);
}

/** One page of the post list, through the content cache (shared/content-cache.ts). */
export function listVisiblePosts(ctx: Pick<Context, 'db' | 'services'>, options: PostListOptions) {
  return ctx.services.contentCache.through(postListCacheKey(options), () => listPosts(ctx.db, options));
}

export function toPostSummary(
  ctx: Pick<Context, 'services' | 'request'>,
  record: PostSummaryRecord,
): PostSummary {
  return {
    id: record.id,
    title: record.title,
    slug: record.slug,
    excerpt: record.excerpt,
    tags: record.tags,
    categories: record.categories,
    thumbnail: record.thumbnail ? ctx.services.storage.url(ctx.request.baseUrl, record.thumbnail) : null,
    author: record.author,
    is_published: record.is_published,
    published_at: record.published_at,
    created_at: record.created_at,
    updated_at: record.updated_at,
  };
}

export function toPost(ctx: Pick<Context, 'services' | 'request'>, record: PostRecord): Post {
  const { body, ...summary } = record;
  return { ...toPostSummary(ctx, summary), body };
}

/** A post the user may read: not deleted, and published unless they wrote it or are staff. */
export function canRead(user: AuthUser, post: Pick<PostRecord, 'author_id' | 'is_published' | 'is_deleted'>) {
  return !post.is_deleted && (post.is_published || post.author_id === user.id || isStaff(user));
}

type PostAccess = Pick<PostRecord, 'author_id' | 'is_published' | 'is_deleted'>;

/**
 * A live post the user may change: the author or staff. Someone else's published post is 403; their
 * draft (which this user cannot even see) and any deleted post are 404.
 */
export function assertCanChange<T extends PostAccess>(user: AuthUser, post: T | undefined): T {
  if (!post || post.is_deleted) throw fail.notFound();
  if (post.author_id === user.id || isStaff(user)) return post;
  if (post.is_published) throw fail.forbidden();
  throw fail.notFound();
}

async function checkCategories(tx: Kysely<Database>, ids: readonly number[]): Promise<void> {
  const missing = await missingCategoryIds(tx, ids);
  if (missing.length > 0) {
    throw fail.fields({
      categories: missing.map((id) => `Invalid pk "${id}" - object does not exist.`),
    });
  }
}

const thumbnailKey = (user: AuthUser) => (id: string, ext: string) => `${user.slug}/posts/${id}.${ext}`;

async function storeThumbnail(
  storage: Storage,
  user: AuthUser,
  file: IncomingFile | null | undefined,
): Promise<StoredUpload | null> {
  if (!file) return null;
  return storeUpload(storage, file, 'image', thumbnailKey(user));
}

/** Loads the post just written, inside the same transaction. */
async function reload(tx: Kysely<Database>, id: number): Promise<PostRecord> {
  const post = await findPostById(tx, id);
  if (!post) throw new Error(`post ${id} vanished inside its own transaction`);
  return post;
}

/**
 * Creates a post: its row, its categories and its thumbnail file are written together or not at all
 * (the file is removed if the transaction fails).
 */
export async function createPost(
  ctx: AuthedContext,
  input: PostCreateInput,
  thumbnail?: IncomingFile | null,
): Promise<Post> {
  const body = sanitizeBody(input.body ?? '');
  const customExcerpt = input.excerpt?.trim() ?? '';
  const upload = await storeThumbnail(ctx.services.storage, ctx.user, thumbnail);
  const record = await withUpload(ctx.services.storage, upload, () =>
    ctx.db.transaction().execute(async (tx) => {
      const categories = input.categories ?? [];
      await checkCategories(tx, categories);
      let id: number | undefined;
      // A slug collision (6 random hex chars on the same title) is rare; pick another one.
      for (let attempt = 0; id === undefined; attempt++) {
        if (attempt === 5) throw new Error('could not find a free post slug');
        id = await insertPost(tx, {
          author_id: ctx.user.id,
          title: input.title,
          slug: postSlug(input.title),
          body,
          excerpt: customExcerpt === '' ? excerptOf(body) : customExcerpt,
          excerpt_is_custom: customExcerpt !== '',
          tags: input.tags ?? [],
          thumbnail: upload?.key ?? null,
          is_published: input.is_published ?? false,
        });
      }
      await setPostCategories(tx, id, categories);
      return reload(tx, id);
    }),
  );
  return toPost(ctx, record);
}

/**
 * Updates the fields sent (PUT and PATCH alike). `thumbnail`: a file replaces the picture, `null`
 * removes it, `undefined` keeps it. The replaced file is removed only once the change is committed.
 */
export async function updatePost(
  ctx: AuthedContext,
  slug: string,
  input: PostUpdateFields,
  thumbnail?: IncomingFile | null,
): Promise<Post> {
  // JSON: null or "" removes; any other string (the URL from a GET) leaves the picture alone.
  const removeThumbnail =
    thumbnail === null || (thumbnail === undefined && (input.thumbnail === null || input.thumbnail === ''));
  const sanitizedBody = input.body === undefined ? undefined : sanitizeBody(input.body);

  // Check access before storing anything: a 403/404 leaves no file behind to clean up.
  assertCanChange(ctx.user, await findPostAccess(ctx.db, slug));
  const upload = await storeThumbnail(ctx.services.storage, ctx.user, thumbnail);
  const { record, replacedKey } = await withUpload(ctx.services.storage, upload, () =>
    ctx.db.transaction().execute(async (tx) => {
      const row = assertCanChange(ctx.user, await lockPostBySlug(tx, slug));
      const changes: PostChanges = {};
      if (input.title !== undefined) changes.title = input.title;
      if (input.tags !== undefined) changes.tags = input.tags;
      if (input.is_published !== undefined) changes.is_published = input.is_published;
      if (sanitizedBody !== undefined) changes.body = sanitizedBody;

      // The excerpt follows the body unless the client set one; sending back the current excerpt
      // (a GET body PUT back) is not "setting" one, and an empty excerpt hands it back to the body.
      let custom = row.excerpt_is_custom;
      let excerpt = row.excerpt;
      const sentExcerpt = input.excerpt?.trim();
      if (sentExcerpt === '') custom = false;
      else if (sentExcerpt !== undefined && sentExcerpt !== row.excerpt) {
        custom = true;
        excerpt = sentExcerpt;
      }
      if (!custom) excerpt = excerptOf(sanitizedBody ?? row.body);
      if (excerpt !== row.excerpt) changes.excerpt = excerpt;
      if (custom !== row.excerpt_is_custom) changes.excerpt_is_custom = custom;

      let replacedKey: string | null = null;
      if (upload) {
        changes.thumbnail = upload.key;
        replacedKey = row.thumbnail;
      } else if (removeThumbnail && row.thumbnail) {
        changes.thumbnail = null;
        replacedKey = row.thumbnail;
      }

      if (input.categories !== undefined) {
        await checkCategories(tx, input.categories);
        await setPostCategories(tx, row.id, input.categories);
      }
      await updatePostRow(tx, row.id, changes);
      return { record: await reload(tx, row.id), replacedKey };
    }),
  );
  if (replacedKey) await ctx.services.storage.delete(replacedKey);
  return toPost(ctx, record);
}

/** Moves a live post to the trash (unpublished); the author or staff. */
export async function deletePost(ctx: AuthedContext, slug: string): Promise<void> {
  await ctx.db.transaction().execute(async (tx) => {
    const post = assertCanChange(ctx.user, await lockPostBySlug(tx, slug));
    await softDeletePost(tx, post.id);
  });
}

/** Brings a deleted post back as a draft; its author or staff (404 for anyone else, as for a live post). */
export async function restorePost(ctx: AuthedContext, slug: string): Promise<Post> {
  const record = await ctx.db.transaction().execute(async (tx) => {
    const post = await lockPostBySlug(tx, slug);
    if (!post?.is_deleted || (post.author_id !== ctx.user.id && !isStaff(ctx.user))) throw fail.notFound();
    await restorePostRow(tx, post.id);
    return reload(tx, post.id);
  });
  return toPost(ctx, record);
}
