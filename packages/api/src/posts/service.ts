import type { Database } from '@lectern/db';
import type { Kysely } from 'kysely';
import { type AuthedContext, type AuthUser, type Context, isStaff } from '../context.ts';
import { fail } from '../errors.ts';
import { type ContentEventInput, postChangeType, recordEvents } from '../shared/events.ts';
import { excerptOf, sanitizeBody } from '../shared/html.ts';
import { enqueueImageVariants, toImageVariants } from '../shared/image-variants.ts';
import { postSlug } from '../shared/slugs.ts';
import { type IncomingFile, type StoredImage, storeImage, withUpload } from '../shared/uploads.ts';
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
import { findRevision, listRevisions } from './revision-queries.ts';
import {
  deleteUnusedThumbnails,
  keepStateBeforeChange,
  recordRevisions,
  toRevision,
  toRevisionSummary,
} from './revisions.ts';
import type {
  Post,
  PostCreateInput,
  PostRevision,
  PostRevisionSummary,
  PostSummary,
  PostUpdateFields,
} from './schemas.ts';

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
    filters.scheduled ?? null,
    options.ordering ?? null,
    options.limit,
    options.offset,
    options.after ?? null,
    options.knownCount ?? null,
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
    variants: toImageVariants(ctx, record.variants),
    author: record.author,
    is_published: record.is_published,
    published_at: record.published_at,
    publish_at: record.publish_at,
    created_at: record.created_at,
    updated_at: record.updated_at,
  };
}

export function toPost(ctx: Pick<Context, 'services' | 'request'>, record: PostRecord): Post {
  const { body, ...summary } = record;
  return { ...toPostSummary(ctx, summary), body };
}

/**
 * A post the reader may read: not deleted, and published unless they wrote it or are staff. Without a
 * user (a content key, or anyone while anonymous reading is on): published only.
 */
export function canRead(
  user: AuthUser | null,
  post: Pick<PostRecord, 'author_id' | 'is_published' | 'is_deleted'>,
) {
  if (post.is_deleted) return false;
  return post.is_published || (user !== null && (post.author_id === user.id || isStaff(user)));
}

/**
 * Readers without a user see published posts only: asking for drafts outright is refused — 403 for a
 * content key (it can never see them), 401 for an anonymous reader (signing in may show their own).
 */
export function refusePublicDrafts(
  ctx: Pick<Context, 'contentKey'>,
  input: { is_published?: boolean | undefined; scheduled?: boolean | undefined },
): void {
  if (input.is_published !== false && input.scheduled !== true) return;
  if (ctx.contentKey) throw fail.forbidden('A content key reads published posts only.');
  throw fail.unauthenticated('Sign in to list drafts.');
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
  ctx: AuthedContext,
  file: IncomingFile | null | undefined,
): Promise<StoredImage | null> {
  if (!file) return null;
  return storeImage(ctx.services.storage, file, ctx.config.imageMaxPixels, thumbnailKey(ctx.user));
}

/** Queues the variants of a new thumbnail in the transaction that names it. */
async function enqueueThumbnailVariants(tx: Kysely<Database>, upload: StoredImage | null): Promise<void> {
  if (upload) await enqueueImageVariants(tx, { key: upload.key, ...upload.image });
}

/** The event of an edit that took a post from `wasPublished` to `after`. */
function postEvent(
  wasPublished: boolean,
  after: { slug: string; author_id: number; is_published: boolean },
): ContentEventInput {
  return {
    type: postChangeType(wasPublished, after.is_published),
    slug: after.slug,
    authorId: after.author_id,
    isPublic: wasPublished || after.is_published,
  };
}

/** Loads the post just written, inside the same transaction. */
async function reload(tx: Kysely<Database>, id: number): Promise<PostRecord> {
  const post = await findPostById(tx, id);
  if (!post) throw new Error(`post ${id} vanished inside its own transaction`);
  return post;
}

const scheduledAndPublished = () =>
  fail.field(
    'publish_at',
    'A scheduled post stays a draft until its time: send is_published false (or leave it out) with publish_at.',
  );

/**
 * What an update does to the schedule. A future `publish_at` keeps (or makes) the post a draft until
 * then, so it is refused with `is_published: true`, and on a published post unless the same request
 * unpublishes it (an explicit `is_published: false`: nothing goes offline by surprise). `publish_at:
 * null` cancels. `is_published: true` alone publishes now, which voids a pending schedule.
 */
function scheduleChanges(
  row: { is_published: boolean; publish_at: Date | null },
  input: Pick<PostUpdateFields, 'is_published' | 'publish_at'>,
): Pick<PostChanges, 'publish_at'> {
  if (input.publish_at === undefined) {
    return input.is_published === true && row.publish_at !== null ? { publish_at: null } : {};
  }
  if (input.publish_at === null) return { publish_at: null };
  if (input.is_published === true) throw scheduledAndPublished();
  if (row.is_published && input.is_published !== false) {
    throw fail.field(
      'publish_at',
      'This post is published: send is_published false with publish_at to take it offline until then.',
    );
  }
  return { publish_at: input.publish_at };
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
  const publishAt = input.publish_at ?? null;
  if (publishAt && input.is_published === true) throw scheduledAndPublished();
  const upload = await storeThumbnail(ctx, thumbnail);
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
          publish_at: publishAt,
        });
      }
      await setPostCategories(tx, id, categories);
      await enqueueThumbnailVariants(tx, upload);
      await recordRevisions(tx, {
        postIds: [id],
        kind: 'create',
        userId: ctx.user.id,
        kept: ctx.config.revisionsKept,
      });
      const created = await reload(tx, id);
      await recordEvents(tx, [
        {
          type: 'post.created',
          slug: created.slug,
          authorId: created.author_id,
          isPublic: created.is_published,
        },
      ]);
      return created;
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
  const upload = await storeThumbnail(ctx, thumbnail);
  const { record, unused } = await withUpload(ctx.services.storage, upload, () =>
    ctx.db.transaction().execute(async (tx) => {
      const row = assertCanChange(ctx.user, await lockPostBySlug(tx, slug));
      await keepStateBeforeChange(tx, [row.id]);
      const changes: PostChanges = {};
      if (input.title !== undefined) changes.title = input.title;
      if (input.tags !== undefined) changes.tags = input.tags;
      if (input.is_published !== undefined) changes.is_published = input.is_published;
      if (sanitizedBody !== undefined) changes.body = sanitizedBody;
      Object.assign(changes, scheduleChanges(row, input));

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
      await enqueueThumbnailVariants(tx, upload);
      const unused = await recordRevisions(tx, {
        postIds: [row.id],
        kind: 'update',
        userId: ctx.user.id,
        kept: ctx.config.revisionsKept,
        replacedThumbnails: replacedKey ? [replacedKey] : [],
      });
      const updated = await reload(tx, row.id);
      await recordEvents(tx, [postEvent(row.is_published, updated)]);
      return { record: updated, unused };
    }),
  );
  // A replaced picture stays while a revision names it (restoring that revision brings it back).
  await deleteUnusedThumbnails(ctx.services.storage, unused);
  return toPost(ctx, record);
}

/** Moves a live post to the trash (unpublished); the author or staff. */
export async function deletePost(ctx: AuthedContext, slug: string): Promise<void> {
  await ctx.db.transaction().execute(async (tx) => {
    const post = assertCanChange(ctx.user, await lockPostBySlug(tx, slug));
    await softDeletePost(tx, post.id);
    await recordEvents(tx, [
      { type: 'post.deleted', slug: post.slug, authorId: post.author_id, isPublic: post.is_published },
    ]);
  });
}

/** Brings a deleted post back as a draft; its author or staff (404 for anyone else, as for a live post). */
export async function restorePost(ctx: AuthedContext, slug: string): Promise<Post> {
  const record = await ctx.db.transaction().execute(async (tx) => {
    const post = await lockPostBySlug(tx, slug);
    if (!post?.is_deleted || (post.author_id !== ctx.user.id && !isStaff(ctx.user))) throw fail.notFound();
    await restorePostRow(tx, post.id);
    // Back as a draft: it was in the trash before, so nothing public changed.
    await recordEvents(tx, [
      { type: 'post.restored', slug: post.slug, authorId: post.author_id, isPublic: false },
    ]);
    return reload(tx, post.id);
  });
  return toPost(ctx, record);
}

/** A post whose revisions the user may see and restore: the author or staff, as for any change. */
async function revisedPost(ctx: AuthedContext, slug: string) {
  return assertCanChange(ctx.user, await findPostAccess(ctx.db, slug));
}

/** A revision id from the path: digits, else no such revision (404, as for any unknown id). */
function revisionId(raw: number | string): number {
  const id = typeof raw === 'number' ? raw : /^\d{1,10}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(id) || id < 1 || id > 2_147_483_647) throw fail.notFound();
  return id;
}

/** One page of a post's revisions, newest first (no bodies). */
export async function listPostRevisions(
  ctx: AuthedContext,
  slug: string,
  window: { limit: number; offset: number },
): Promise<{ count: number; results: PostRevisionSummary[] }> {
  const post = await revisedPost(ctx, slug);
  const page = await listRevisions(ctx.db, post.id, window);
  return { count: page.count, results: page.results.map((record) => toRevisionSummary(ctx, record)) };
}

export async function getPostRevision(
  ctx: AuthedContext,
  slug: string,
  rawId: number | string,
): Promise<PostRevision> {
  const id = revisionId(rawId);
  const post = await revisedPost(ctx, slug);
  const revision = await findRevision(ctx.db, post.id, id);
  if (!revision) throw fail.notFound();
  return toRevision(ctx, revision);
}

/**
 * Brings a revision's state back (title, body, excerpt, tags, the categories that still exist, the
 * thumbnail, is_published) as a new `restore` revision. Restoring a published state publishes the post
 * now (voiding a schedule); a draft state leaves a pending schedule as it is.
 */
export async function restorePostRevision(
  ctx: AuthedContext,
  slug: string,
  rawId: number | string,
): Promise<Post> {
  const id = revisionId(rawId);
  const { record, unused } = await ctx.db.transaction().execute(async (tx) => {
    const row = assertCanChange(ctx.user, await lockPostBySlug(tx, slug));
    const revision = await findRevision(tx, row.id, id);
    if (!revision) throw fail.notFound();
    const changes: PostChanges = {
      title: revision.title,
      body: revision.body,
      excerpt: revision.excerpt,
      excerpt_is_custom: revision.excerpt_is_custom,
      tags: revision.tags,
      thumbnail: revision.thumbnail,
      is_published: revision.is_published,
    };
    if (revision.is_published) changes.publish_at = null;
    const wanted = revision.categories.map((category) => category.id);
    const gone = new Set(await missingCategoryIds(tx, wanted));
    await setPostCategories(
      tx,
      row.id,
      wanted.filter((categoryId) => !gone.has(categoryId)),
    );
    await updatePostRow(tx, row.id, changes);
    const unused = await recordRevisions(tx, {
      postIds: [row.id],
      kind: 'restore',
      userId: ctx.user.id,
      restoredFrom: revision.id,
      kept: ctx.config.revisionsKept,
      replacedThumbnails: row.thumbnail && row.thumbnail !== revision.thumbnail ? [row.thumbnail] : [],
    });
    const restored = await reload(tx, row.id);
    await recordEvents(tx, [postEvent(row.is_published, restored)]);
    return { record: restored, unused };
  });
  await deleteUnusedThumbnails(ctx.services.storage, unused);
  return toPost(ctx, record);
}
