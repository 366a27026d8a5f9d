import type { CategoryRow, Database } from '@lectern/db';
import type { Kysely } from 'kysely';
import { fail } from '../errors.ts';
import { recordEvents } from '../shared/events.ts';
import { categorySlugBase, firstFreeSlug } from '../shared/slugs.ts';
import { uniqueViolation } from '../shared/sql.ts';
import {
  categoryNameTaken,
  deleteCategoryBySlug,
  findCategoryBySlug,
  insertCategory,
  slugsLike,
  updateCategory as updateCategoryRow,
} from './queries.ts';

const nameTaken = () => fail.field('name', 'category with this name already exists.');

/** A concurrent create or rename that won the case-insensitive name index becomes the usual 400. */
async function guardNameConflict<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (uniqueViolation(error)?.where.includes('categories_name_lower_key')) throw nameTaken();
    throw error;
  }
}

async function assertNameFree(db: Kysely<Database>, name: string, exceptId?: number): Promise<void> {
  if (await categoryNameTaken(db, name, exceptId)) throw nameTaken();
}

/** Inserts a category under the first free slug among `base`, `base-2`, `base-3`… */
export function createCategory(
  db: Kysely<Database>,
  input: { name: string; description?: string | undefined },
): Promise<CategoryRow> {
  return guardNameConflict(async () => {
    await assertNameFree(db, input.name);
    const base = categorySlugBase(input.name);
    for (let attempt = 0; attempt < 5; attempt++) {
      const slug = firstFreeSlug(base, await slugsLike(db, base));
      const row = await db.transaction().execute(async (tx) => {
        const inserted = await insertCategory(tx, {
          name: input.name,
          slug,
          description: input.description ?? '',
        });
        if (inserted)
          await recordEvents(tx, [{ type: 'category.created', slug: inserted.slug, isPublic: true }]);
        return inserted;
      });
      if (row) return row;
    }
    throw new Error('could not find a free category slug');
  });
}

/** Renames or redescribes a category; its slug stays. */
export async function updateCategory(
  db: Kysely<Database>,
  slug: string,
  changes: { name?: string | undefined; description?: string | undefined },
): Promise<CategoryRow> {
  const category = await findCategoryBySlug(db, slug);
  if (!category) throw fail.notFound();
  return guardNameConflict(async () => {
    if (changes.name !== undefined) await assertNameFree(db, changes.name, category.id);
    return db.transaction().execute(async (tx) => {
      const updated = await updateCategoryRow(tx, category.id, {
        ...(changes.name !== undefined ? { name: changes.name } : {}),
        ...(changes.description !== undefined ? { description: changes.description } : {}),
      });
      await recordEvents(tx, [{ type: 'category.updated', slug: updated.slug, isPublic: true }]);
      return updated;
    });
  });
}

/** Deletes a category; its posts stay and lose it. */
export async function deleteCategory(db: Kysely<Database>, slug: string): Promise<void> {
  await db.transaction().execute(async (tx) => {
    if (!(await deleteCategoryBySlug(tx, slug))) throw fail.notFound();
    await recordEvents(tx, [{ type: 'category.deleted', slug, isPublic: true }]);
  });
}
