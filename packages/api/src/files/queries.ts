import type { Database, FileRow, FileTable } from '@lectern/db';
import { type Insertable, type Kysely, type SelectQueryBuilder, sql } from 'kysely';
import { jsonBuildObject } from 'kysely/helpers/postgres';
import { containsPattern } from '../shared/sql.ts';

export type FileRecord = Omit<FileRow, 'original_name' | 'uploaded_by'> & {
  uploaded_by: { id: number; username: string; slug: string };
};

const withUploader = <O>(qb: SelectQueryBuilder<Database, 'files', O>) =>
  qb.innerJoin('users', 'users.id', 'files.uploaded_by').select((eb) => [
    'files.id',
    'files.title',
    'files.file',
    'files.size',
    'files.content_type',
    'files.uploaded_at',
    jsonBuildObject({
      id: eb.ref('users.id'),
      username: eb.ref('users.username'),
      slug: eb.ref('users.slug'),
    }).as('uploaded_by'),
  ]);

/** One page of the gallery, newest first, optionally by a case-insensitive substring of the title. */
export async function listFiles(
  db: Kysely<Database>,
  opts: { search: string | undefined; limit: number; offset: number },
): Promise<{ count: number; results: FileRecord[] }> {
  let base = db.selectFrom('files');
  if (opts.search !== undefined) base = base.where('files.title', 'ilike', containsPattern(opts.search));
  const { count } = await base.select(sql<number>`count(*)::int`.as('count')).executeTakeFirstOrThrow();
  if (count === 0 || opts.offset >= count) return { count, results: [] };
  const results = await withUploader(base)
    .orderBy('files.uploaded_at', 'desc')
    .orderBy('files.id', 'desc')
    .limit(opts.limit)
    .offset(opts.offset)
    .execute();
  return { count, results };
}

export async function findFileById(db: Kysely<Database>, id: number): Promise<FileRecord | undefined> {
  return withUploader(db.selectFrom('files')).where('files.id', '=', id).executeTakeFirst();
}

export async function insertFile(
  db: Kysely<Database>,
  values: Omit<Insertable<FileTable>, 'id' | 'uploaded_at'>,
): Promise<number> {
  const row = await db.insertInto('files').values(values).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

export async function lockFileById(
  db: Kysely<Database>,
  id: number,
): Promise<{ id: number; file: string; uploaded_by: number } | undefined> {
  return db
    .selectFrom('files')
    .select(['id', 'file', 'uploaded_by'])
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
}

export async function deleteFileRow(db: Kysely<Database>, id: number): Promise<void> {
  await db.deleteFrom('files').where('id', '=', id).execute();
}
