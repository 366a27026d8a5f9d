import type { Database, NewUser, UserRow, UserUpdate } from '@lectern/db';
import { type Kysely, sql } from 'kysely';
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

/** A live (not deleted) user by email, case-insensitively. */
export async function findUserByEmail(db: Kysely<Database>, email: string): Promise<UserRow | undefined> {
  return db
    .selectFrom('users')
    .selectAll()
    .where(sql`lower(email)`, '=', email.trim().toLowerCase())
    .where('is_deleted', '=', false)
    .executeTakeFirst();
}

/** A live user by slug. */
export async function findUserBySlug(db: Kysely<Database>, slug: string): Promise<UserRow | undefined> {
  return db
    .selectFrom('users')
    .selectAll()
    .where('slug', '=', slug)
    .where('is_deleted', '=', false)
    .executeTakeFirst();
}

/** Whether an email or username is taken (deleted accounts included: addresses are never reused silently). */
export async function takenIdentifiers(
  db: Kysely<Database>,
  fields: { email?: string; username?: string },
  exceptUserId?: number,
): Promise<{ email: boolean; username: boolean }> {
  const email = fields.email?.trim().toLowerCase();
  const username = fields.username?.toLowerCase();
  if (!email && !username) return { email: false, username: false };
  let query = db
    .selectFrom('users')
    .select([sql<string>`lower(email)`.as('email'), sql<string>`lower(username)`.as('username')])
    .where((eb) =>
      eb.or([
        ...(email ? [eb(sql`lower(email)`, '=', email)] : []),
        ...(username ? [eb(sql`lower(username)`, '=', username)] : []),
      ]),
    );
  if (exceptUserId !== undefined) query = query.where('id', '!=', exceptUserId);
  const rows = await query.execute();
  return {
    email: email !== undefined && rows.some((r) => r.email === email),
    username: username !== undefined && rows.some((r) => r.username === username),
  };
}

export async function insertUser(db: Kysely<Database>, row: NewUser): Promise<UserRow> {
  return db.insertInto('users').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function updateUser(db: Kysely<Database>, id: number, patch: UserUpdate): Promise<UserRow> {
  return db
    .updateTable('users')
    .set({ ...patch, updated_at: sql<Date>`now()` })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export interface UserListFilters {
  is_verified?: boolean | undefined;
  is_staff?: boolean | undefined;
  search?: string | undefined;
}

/** The staff list: live users, newest first, filtered; with the total for pagination. */
export async function listUsers(
  db: Kysely<Database>,
  filters: UserListFilters,
  window: { limit: number; offset: number },
): Promise<{ count: number; results: UserRow[] }> {
  let base = db.selectFrom('users').where('is_deleted', '=', false);
  if (filters.is_verified !== undefined) base = base.where('is_verified', '=', filters.is_verified);
  if (filters.is_staff !== undefined) base = base.where('is_staff', '=', filters.is_staff);
  const search = filters.search?.trim();
  if (search) {
    const pattern = `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    base = base.where((eb) => eb.or([eb('email', 'ilike', pattern), eb('username', 'ilike', pattern)]));
  }
  const total = await base.select(sql<number>`count(*)::int`.as('count')).executeTakeFirstOrThrow();
  const results = await base
    .selectAll()
    .orderBy('date_joined', 'desc')
    .orderBy('id', 'desc')
    .limit(window.limit)
    .offset(window.offset)
    .execute();
  return { count: total.count, results };
}

/** Whether any live superuser exists (the embedded default seeds one when not). */
export async function hasSuperuser(db: Kysely<Database>): Promise<boolean> {
  const row = await db
    .selectFrom('users')
    .select('id')
    .where('is_superuser', '=', true)
    .where('is_deleted', '=', false)
    .executeTakeFirst();
  return row !== undefined;
}
