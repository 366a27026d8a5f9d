import type { Database } from '@lectern/db';
import type { Kysely } from 'kysely';
import type { AuthUser } from '../context.ts';

/** The user a token may act as: not deleted, still active. */
export async function findActiveUserById(db: Kysely<Database>, id: number): Promise<AuthUser | undefined> {
  return db
    .selectFrom('users')
    .select(['id', 'email', 'username', 'slug', 'is_verified', 'is_staff', 'is_superuser'])
    .where('id', '=', id)
    .where('is_deleted', '=', false)
    .where('is_active', '=', true)
    .executeTakeFirst();
}
