import type { Database, PostRevisionKind } from '@lectern/db';
import type { Kysely } from 'kysely';
import type { Context } from '../context.ts';
import { releaseImageVariants } from '../shared/image-variants.ts';
import type { Storage } from '../shared/storage.ts';
import type { RevisionRecord, RevisionSummaryRecord } from './revision-queries.ts';
import {
  insertInitialRevisions,
  insertRevisions,
  thumbnailsInUse,
  trimRevisions,
} from './revision-queries.ts';
import type { PostRevision, PostRevisionSummary } from './schemas.ts';

/*
 * The revision rules, used inside the transaction of every write to a post's content (create, update,
 * restore of a revision, the scheduler's publish):
 *
 * - a revision is the post's state as the write left it, with who made the write and when, so the
 *   state before a change is always the revision before it; a post that has none yet (written before
 *   revisions existed) first gets an `initial` revision of its state as it was;
 * - an update that changes nothing a revision holds (a GET body PUT back, a schedule change) adds none;
 * - each write trims its post to the newest `kept` revisions (REVISIONS_KEPT) in the same transaction:
 *   growth is bounded without a background job, and the trim reads one index range;
 * - a thumbnail file stays on disk while the post or any of its revisions names it (restoring a
 *   revision brings its picture back); once nothing does, its key is returned for deletion after the
 *   commit, with the keys of its variants (whose rows and pending job go in the same transaction).
 */

/** Before a change: keeps the current state of posts that have no revision yet. */
export function keepStateBeforeChange(tx: Kysely<Database>, postIds: readonly number[]): Promise<void> {
  return insertInitialRevisions(tx, postIds);
}

export interface RevisionWrite {
  postIds: readonly number[];
  kind: Exclude<PostRevisionKind, 'initial'>;
  /** Who wrote; null for the scheduler. */
  userId: number | null;
  restoredFrom?: number;
  /** REVISIONS_KEPT. */
  kept: number;
  /** Thumbnail keys the write took off the post (a replaced or removed picture). */
  replacedThumbnails?: readonly string[];
}

/**
 * After a change: records the new state and trims. Returns the thumbnail keys that neither the posts
 * nor their remaining revisions name any more, and their variants' keys: delete those files once the
 * transaction has committed.
 */
export async function recordRevisions(tx: Kysely<Database>, write: RevisionWrite): Promise<string[]> {
  await insertRevisions(tx, write.postIds, write.kind, {
    userId: write.userId,
    restoredFrom: write.restoredFrom ?? null,
    skipIfUnchanged: write.kind === 'update',
  });
  const dropped = await trimRevisions(tx, write.postIds, write.kept);
  const candidates = [...new Set([...dropped, ...(write.replacedThumbnails ?? [])])];
  if (candidates.length === 0) return [];
  const inUse = await thumbnailsInUse(tx, write.postIds, candidates);
  const unused = candidates.filter((key) => !inUse.has(key));
  return [...unused, ...(await releaseImageVariants(tx, unused))];
}

/** Removes files nothing names any more (after the commit that let go of them). */
export async function deleteUnusedThumbnails(storage: Storage, keys: readonly string[]): Promise<void> {
  for (const key of keys) await storage.delete(key);
}

export function toRevisionSummary(
  ctx: Pick<Context, 'services' | 'request'>,
  record: RevisionSummaryRecord,
): PostRevisionSummary {
  return {
    id: record.id,
    kind: record.kind,
    title: record.title,
    excerpt: record.excerpt,
    tags: record.tags,
    categories: record.categories,
    thumbnail: record.thumbnail ? ctx.services.storage.url(ctx.request.baseUrl, record.thumbnail) : null,
    is_published: record.is_published,
    restored_from: record.restored_from,
    created_by: record.created_by,
    created_at: record.created_at,
  };
}

export function toRevision(ctx: Pick<Context, 'services' | 'request'>, record: RevisionRecord): PostRevision {
  return { ...toRevisionSummary(ctx, record), body: record.body };
}
