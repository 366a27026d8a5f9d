import type { CategoryRow, Database } from '@lectern/db';
import type { Kysely } from 'kysely';
import { fail } from '../errors.ts';
import { categoryNameTaken, insertCategory, slugsLike } from '../queries/categories.ts';
import { categorySlugBase, firstFreeSlug } from './slugs.ts';

const NAME_TAKEN = 'category with this name already exists.';

/** A unique violation of the case-insensitive name index (a concurrent create or rename won). */
export function isNameConflict(error: unknown): boolean {
  const e = error as { code?: unknown; constraint?: unknown; message?: unknown } | null;
  return (
    e?.code === '23505' &&
    (e.constraint === 'categories_name_lower_key' || String(e.message).includes('categories_name_lower_key'))
  );
}

export async function assertNameFree(db: Kysely<Database>, name: string, exceptId?: number): Promise<void> {
  if (await categoryNameTaken(db, name, exceptId)) throw fail.field('name', NAME_TAKEN);
}

export const nameTakenError = () => fail.field('name', NAME_TAKEN);

/** Inserts a category under the first free slug among `base`, `base-2`, `base-3`… */
export async function createCategory(
  db: Kysely<Database>,
  input: { name: string; description?: string | undefined },
): Promise<CategoryRow> {
  await assertNameFree(db, input.name);
  const base = categorySlugBase(input.name);
  for (let attempt = 0; attempt < 5; attempt++) {
    const slug = firstFreeSlug(base, await slugsLike(db, base));
    const row = await insertCategory(db, { name: input.name, slug, description: input.description ?? '' });
    if (row) return row;
  }
  throw new Error('could not find a free category slug');
}
