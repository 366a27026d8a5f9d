import type { ContentEventType, Database } from '@lectern/db';
import type { Kysely } from 'kysely';

export type { ContentEventType };

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
 * Records committed content changes in the event log. Call it with the transaction of the change:
 * the event then exists exactly when the change committed (none for a rolled-back change, none lost
 * after a crash that follows the commit).
 */
export async function recordEvents(
  tx: Kysely<Database>,
  events: readonly ContentEventInput[],
): Promise<void> {
  if (events.length === 0) return;
  await tx
    .insertInto('content_events')
    .values(
      events.map((event) => ({
        type: event.type,
        slug: event.slug,
        author_id: event.authorId ?? null,
        is_public: event.isPublic,
      })),
    )
    .execute();
}

/** The event for a post whose published state went from `before` to `after` in an edit. */
export function postChangeType(before: boolean, after: boolean): ContentEventType {
  if (!before && after) return 'post.published';
  if (before && !after) return 'post.unpublished';
  return 'post.updated';
}
