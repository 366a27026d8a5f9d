import type { ContentEventType, Database } from '@lectern/db';
import { type Kysely, sql } from 'kysely';

export type { ContentEventType };

/**
 * Every kind of content change: the `content_events.type` values (a new one in the database's type
 * fails to compile here, so this list cannot fall behind). Subscribers and webhook endpoints choose
 * from it.
 */
export const CONTENT_EVENT_TYPES = [
  'post.created',
  'post.updated',
  'post.published',
  'post.unpublished',
  'post.deleted',
  'post.restored',
  'category.created',
  'category.updated',
  'category.deleted',
  'file.created',
  'file.deleted',
] as const satisfies readonly ContentEventType[];

/** A content change, as recorded: who may see it is decided here, once, for every reader. */
export interface ContentEventInput {
  type: ContentEventType;
  /** The post's or category's slug; a file's id. */
  slug: string;
  /** A post's author; null for categories and files. */
  authorId?: number | null;
  /**
   * Whether readers of published content may see the event. For a post: it was published before the
   * change or is after it (a post leaving the public site is news to those who saw it); a draft's
   * edits, trashing or restoring reach its author and staff only.
   */
  isPublic: boolean;
}

/**
 * Records committed content changes in the event log, and queues a webhook delivery of each event
 * for every enabled endpoint subscribed to its type (packages/api/src/webhooks). Call it with the
 * transaction of the change: the event and its deliveries then exist exactly when the change
 * committed (none for a rolled-back change, none lost after a crash that follows the commit).
 *
 * One statement: the event rows are inserted in a CTE and the deliveries selected from it, so a
 * change costs no extra round trip for webhooks (and inserts no delivery while no endpoint exists).
 */
export async function recordEvents(
  tx: Kysely<Database>,
  events: readonly ContentEventInput[],
): Promise<void> {
  if (events.length === 0) return;
  await tx
    .with('ev', (db) =>
      db
        .insertInto('content_events')
        .values(
          events.map((event) => ({
            type: event.type,
            slug: event.slug,
            author_id: event.authorId ?? null,
            is_public: event.isPublic,
          })),
        )
        .returning(['id', 'type', 'slug', 'author_id', 'is_public', 'at']),
    )
    .insertInto('webhook_deliveries')
    .columns(['webhook_id', 'event_id', 'event_type', 'subject', 'author_id', 'is_public', 'occurred_at'])
    .expression((db) =>
      db
        .selectFrom('ev')
        .innerJoin('webhooks as w', (join) =>
          join.on('w.enabled', '=', true).on(sql<boolean>`ev.type = ANY(w.events)`),
        )
        .select([
          'w.id',
          'ev.id',
          'ev.type',
          sql<string>`split_part(ev.type, '.', 1) || ':' || ev.slug`.as('subject'),
          'ev.author_id',
          'ev.is_public',
          'ev.at',
        ])
        // Deliveries are numbered in the order of their events: the order each endpoint gets them.
        .orderBy('ev.id')
        .orderBy('w.id'),
    )
    .execute();
}

/** The event for a post whose published state went from `before` to `after` in an edit. */
export function postChangeType(before: boolean, after: boolean): ContentEventType {
  if (!before && after) return 'post.published';
  if (before && !after) return 'post.unpublished';
  return 'post.updated';
}
