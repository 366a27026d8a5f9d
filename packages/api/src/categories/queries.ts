import type { CategoryRow, Database } from '@lectern/db';
import { type Kysely, sql } from 'kysely';

const columns = ['id', 'name', 'slug', 'description'] as const;

/** Every category, by name (case-insensitively). */
export async function listCategories(db: Kysely<Database>): Promise<CategoryRow[]> {
  return db.selectFrom('categories').select(columns).orderBy(sql`lower(name)`).orderBy('id').execute();
}

export async function findCategoryBySlug(
  db: Kysely<Database>,
  slug: string,
): Promise<CategoryRow | undefined> {
  return db.selectFrom('categories').select(columns).where('slug', '=', slug).executeTakeFirst();
}

/** Another category with this name, compared case-insensitively. */
export async function categoryNameTaken(
  db: Kysely<Database>,
  name: string,
  exceptId?: number,
): Promise<boolean> {
  let query = db.selectFrom('categories').select('id').where(sql<boolean>`lower(name) = lower(${name})`);
  if (exceptId !== undefined) query = query.where('id', '<>', exceptId);
  return (await query.executeTakeFirst()) !== undefined;
}

/** Slugs already used by `base` or `base-N`. */
export async function slugsLike(db: Kysely<Database>, base: string): Promise<Set<string>> {
  const rows = await db
    .selectFrom('categories')
    .select('slug')
    .where((eb) => eb.or([eb('slug', '=', base), eb('slug', '~', `^${base}-[0-9]+$`)]))
    .execute();
  return new Set(rows.map((r) => r.slug));
}

/** Inserts unless the slug was taken meanwhile (then undefined). */
export async function insertCategory(
  db: Kysely<Database>,
  values: { name: string; slug: string; description: string },
): Promise<CategoryRow | undefined> {
  return db
    .insertInto('categories')
    .values(values)
    .onConflict((oc) => oc.column('slug').doNothing())
    .returning(columns)
    .executeTakeFirst();
}

export async function updateCategory(
  db: Kysely<Database>,
  id: number,
  changes: { name?: string; description?: string },
): Promise<CategoryRow> {
  if (Object.keys(changes).length === 0) {
    return db.selectFrom('categories').select(columns).where('id', '=', id).executeTakeFirstOrThrow();
  }
  return db
    .updateTable('categories')
    .set(changes)
    .where('id', '=', id)
    .returning(columns)
    .executeTakeFirstOrThrow();
}

/** Deletes the category; its links to posts go with it (ON DELETE CASCADE). */
export async function deleteCategoryBySlug(db: Kysely<Database>, slug: string): Promise<boolean> {
  const row = await db.deleteFrom('categories').where('slug', '=', slug).returning('id').executeTakeFirst();
  return row !== undefined;
}
