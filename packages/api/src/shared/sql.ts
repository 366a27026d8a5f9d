import type { UserRef } from './schemas.ts';

/** A LIKE/ILIKE pattern matching `text` anywhere: `%`, `_` and `\` in it match themselves. */
export const containsPattern = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** A unique-index violation (SQLSTATE 23505), with the index it hit when the driver says. */
export function uniqueViolation(error: unknown): { where: string } | undefined {
  const e = error as { code?: unknown; constraint?: unknown; detail?: unknown; message?: unknown } | null;
  if (e?.code !== '23505') return undefined;
  return { where: `${String(e.constraint ?? '')} ${String(e.detail ?? '')} ${String(e.message ?? '')}` };
}

/** The columns of a left-joined creator (`u.id as creator_id`, …), null once the user row is gone. */
export interface CreatorColumns {
  creator_id: number | null;
  creator_username: string | null;
  creator_slug: string | null;
}

/** A row with its creator columns folded into `created_by`. */
export function withCreatedBy<R extends CreatorColumns>(
  row: R,
): Omit<R, keyof CreatorColumns> & { created_by: UserRef | null } {
  const { creator_id, creator_username, creator_slug, ...rest } = row;
  const created_by =
    creator_id !== null && creator_username !== null && creator_slug !== null
      ? { id: creator_id, username: creator_username, slug: creator_slug }
      : null;
  return { ...rest, created_by };
}
