import { z } from 'zod';
import { fail } from '../errors.ts';
import { type ListOrder, type SortKey, sortKeys } from './schemas.ts';

/*
 * Keyset ("cursor") pagination for the post list. A cursor is the sort key of the last row a page
 * showed, so the next page is "rows after this key" — an index range scan whatever the depth, and
 * stable under inserts (a new post lands before or after the key; it never shifts the rows after it).
 * The cursor is opaque to clients: base64url of a small JSON object naming the order it belongs to.
 * It is decoded and type-checked here, never trusted: a cursor that does not parse, or that belongs to
 * another ordering, is a 400 on `cursor`.
 *
 * A cursor also carries the list's `count` as it was when the walk began (its first page): pages after
 * a cursor do not count the list again — the count was the larger part of a deep page's cost — so the
 * count a walk reports stays the one it started with (ask a page without a cursor for a fresh one).
 * A client that edits it only changes the number it is told back.
 */

const envelope = z.object({
  o: z.enum(Object.keys(sortKeys) as [ListOrder, ...ListOrder[]]),
  k: z.unknown(),
  c: z.number().int().nonnegative().max(2_147_483_647).optional(),
});

export function encodeCursor(order: ListOrder, key: SortKey, count: number): string {
  return Buffer.from(JSON.stringify({ o: order, k: key, c: count })).toString('base64url');
}

export interface DecodedCursor {
  key: SortKey;
  /** The list's count when the walk began; absent in cursors issued before counts were carried. */
  count: number | undefined;
}

const invalid = () => fail.field('cursor', 'Invalid cursor.');

/** The sort key (and count) a cursor carries, checked against the order of the list it is used on. */
export function decodeCursor(cursor: string, order: ListOrder): DecodedCursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  const outer = envelope.safeParse(parsed);
  if (!outer.success) throw invalid();
  if (outer.data.o !== order) {
    throw fail.field('cursor', 'This cursor belongs to a list in another order; start again without it.');
  }
  const key = sortKeys[order].safeParse(outer.data.k);
  if (!key.success) throw invalid();
  return { key: key.data, count: outer.data.c };
}
