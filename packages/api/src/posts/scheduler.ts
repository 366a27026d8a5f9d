import type { Database } from '@lectern/db';
import type { Kysely } from 'kysely';
import { recordEvents } from '../shared/events.ts';
import { startPassLoop } from '../shared/pass-loop.ts';
import type { Storage } from '../shared/storage.ts';
import { deleteUnusedThumbnails, keepStateBeforeChange, recordRevisions } from './revisions.ts';
import { claimDuePosts, hasDuePost, publishScheduledPosts } from './schedule-queries.ts';

/*
 * The publishing scheduler: every server process runs one (PUBLISH_SCHEDULER), and each pass publishes
 * the scheduled posts that are due.
 *
 * Several processes (or machines) on one PostgreSQL: a pass claims due rows with `FOR UPDATE SKIP
 * LOCKED` and publishes them in the same transaction, which also clears `publish_at`. A row is claimed
 * by one transaction at a time and is no longer due once that transaction commits, so every scheduled
 * post is published exactly once, whichever process gets there first; the others skip it.
 *
 * A crash: the transaction of a pass is all or nothing (publication, revision, schedule cleared). A
 * process that dies mid-pass leaves its rows unpublished and unlocked (PostgreSQL rolls back the dead
 * connection's transaction), and the next pass of any process publishes them. Posts that fell due while
 * no process was running are published by the first pass after a start, with `published_at` still the
 * scheduled time.
 */

export interface SchedulerLog {
  info(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export interface PublishSchedulerOptions {
  db: Kysely<Database>;
  storage: Storage;
  /** REVISIONS_KEPT: the scheduler's publish is a revision too. */
  revisionsKept: number;
  /** Time between the end of one pass and the start of the next. */
  intervalMs: number;
  /** Posts published per transaction. */
  batchSize?: number;
  log: SchedulerLog;
}

/**
 * One pass: publishes every due post, `batchSize` per transaction, and returns their ids. Safe to run
 * from any number of processes at once.
 */
export async function publishDuePosts(
  opts: Pick<PublishSchedulerOptions, 'db' | 'storage' | 'revisionsKept' | 'batchSize'>,
): Promise<number[]> {
  const batchSize = opts.batchSize ?? 100;
  const published: number[] = [];
  if (!(await hasDuePost(opts.db))) return published;
  for (;;) {
    const { ids, unused } = await opts.db.transaction().execute(async (tx) => {
      const posts = await claimDuePosts(tx, batchSize);
      const claimed = posts.map((post) => post.id);
      if (claimed.length === 0) return { ids: claimed, unused: [] };
      await keepStateBeforeChange(tx, claimed);
      await publishScheduledPosts(tx, claimed);
      await recordEvents(
        tx,
        posts.map((post) => ({
          type: 'post.published',
          slug: post.slug,
          authorId: post.author_id,
          isPublic: true,
        })),
      );
      const unusedKeys = await recordRevisions(tx, {
        postIds: claimed,
        kind: 'publish',
        userId: null,
        kept: opts.revisionsKept,
      });
      return { ids: claimed, unused: unusedKeys };
    });
    await deleteUnusedThumbnails(opts.storage, unused);
    published.push(...ids);
    // Fewer than a full batch: nothing else is due, or the rest is held by other transactions.
    if (ids.length < batchSize) return published;
  }
}

export interface PublishScheduler {
  /** Stops the loop and waits for a pass in progress to finish. */
  stop(): Promise<void>;
}

/** Starts the loop: a first pass at once (catching up after downtime), then one every `intervalMs`. */
export function startPublishScheduler(opts: PublishSchedulerOptions): PublishScheduler {
  return startPassLoop({
    intervalMs: opts.intervalMs,
    log: opts.log,
    failure: 'scheduled publishing failed; retrying every pass',
    failed: undefined,
    pass: async () => {
      const ids = await publishDuePosts(opts);
      if (ids.length > 0) opts.log.info({ count: ids.length, ids }, 'published scheduled posts');
    },
  });
}
