import type { Database, NewUser, UserRow, UserUpdate } from '@lectern/db';
import { type Kysely, sql } from 'kysely';
import type { AuthUser } from '../context.ts';
import { containsPattern } from '../shared/sql.ts';

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
    const pattern = containsPattern(search);
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

// ---------------------------------------------------------------------------------------------------
// Refresh tokens: one row per issued token (its SHA-256), grouped in families (one per login).

export async function insertRefreshToken(
  db: Kysely<Database>,
  row: { userId: number; familyId: string; tokenHash: string; expiresAt: Date },
): Promise<void> {
  await db
    .insertInto('refresh_tokens')
    .values({
      user_id: row.userId,
      family_id: row.familyId,
      token_hash: row.tokenHash,
      expires_at: row.expiresAt,
    })
    .execute();
}

/** A live (unrevoked, unexpired) token's row id. */
export async function findLiveRefreshToken(
  db: Kysely<Database>,
  tokenHash: string,
): Promise<{ id: number } | undefined> {
  return db
    .selectFrom('refresh_tokens')
    .select('id')
    .where('token_hash', '=', tokenHash)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .executeTakeFirst();
}

/** Spends a live, unused token in one atomic update: of two racing claims exactly one gets the row. */
export async function claimRefreshToken(
  db: Kysely<Database>,
  tokenHash: string,
): Promise<{ family_id: string; user_id: number } | undefined> {
  return db
    .updateTable('refresh_tokens')
    .set({ used_at: sql<Date>`now()` })
    .where('token_hash', '=', tokenHash)
    .where('used_at', 'is', null)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .returning(['family_id', 'user_id'])
    .executeTakeFirst();
}

/** A token already spent: its family, whether revoked, and whether it was spent within `graceSeconds`. */
export async function findSpentRefreshToken(
  db: Kysely<Database>,
  tokenHash: string,
  graceSeconds: number,
): Promise<{ family_id: string; revoked_at: Date | null; in_grace: boolean } | undefined> {
  return db
    .selectFrom('refresh_tokens')
    .select([
      'family_id',
      'revoked_at',
      sql<boolean>`used_at > now() - make_interval(secs => ${graceSeconds})`.as('in_grace'),
    ])
    .where('token_hash', '=', tokenHash)
    .where('used_at', 'is not', null)
    .executeTakeFirst();
}

/** The family of a token owned by `userId`. */
export async function findRefreshTokenFamily(
  db: Kysely<Database>,
  tokenHash: string,
  userId: number,
): Promise<string | undefined> {
  const row = await db
    .selectFrom('refresh_tokens')
    .select('family_id')
    .where('token_hash', '=', tokenHash)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row?.family_id;
}

/** Revokes the live tokens of a family, or of every family of a user. */
export async function revokeRefreshTokens(
  db: Kysely<Database>,
  which: { familyId: string } | { userId: number },
): Promise<void> {
  let query = db
    .updateTable('refresh_tokens')
    .set({ revoked_at: sql<Date>`now()` })
    .where('revoked_at', 'is', null);
  query =
    'familyId' in which
      ? query.where('family_id', '=', which.familyId)
      : query.where('user_id', '=', which.userId);
  await query.execute();
}

// ---------------------------------------------------------------------------------------------------
// Emailed codes: one row per user and purpose, holding the code's HMAC (never the code).

export type CodePurpose = 'verify' | 'reset';

/** Whether a code of this purpose went to the user less than `seconds` ago. */
export async function codeSentWithin(
  db: Kysely<Database>,
  userId: number,
  purpose: CodePurpose,
  seconds: number,
): Promise<boolean> {
  const row = await db
    .selectFrom('otp_codes')
    .select(sql<boolean>`sent_at > now() - make_interval(secs => ${seconds})`.as('recent'))
    .where('user_id', '=', userId)
    .where('purpose', '=', purpose)
    .executeTakeFirst();
  return row?.recent === true;
}

/** Stores a fresh code hash, replacing any earlier code of the same purpose (which stops working). */
export async function upsertCode(
  db: Kysely<Database>,
  row: { userId: number; purpose: CodePurpose; codeHash: string; ttlMinutes: number },
): Promise<void> {
  const expiresAt = sql<Date>`now() + make_interval(mins => ${row.ttlMinutes})`;
  await db
    .insertInto('otp_codes')
    .values({ user_id: row.userId, purpose: row.purpose, code_hash: row.codeHash, expires_at: expiresAt })
    .onConflict((oc) =>
      oc.columns(['user_id', 'purpose']).doUpdateSet({
        code_hash: row.codeHash,
        expires_at: expiresAt,
        attempts: 0,
        used_at: null,
        sent_at: sql<Date>`now()`,
      }),
    )
    .execute();
}

/** Backdates a code's sending past the cooldown (its mail failed), unless a newer code replaced it. */
export async function endCodeCooldown(
  db: Kysely<Database>,
  row: { userId: number; purpose: CodePurpose; codeHash: string; cooldownSeconds: number },
): Promise<void> {
  await db
    .updateTable('otp_codes')
    .set({ sent_at: sql<Date>`now() - make_interval(secs => ${row.cooldownSeconds + 1})` })
    .where('user_id', '=', row.userId)
    .where('purpose', '=', row.purpose)
    .where('code_hash', '=', row.codeHash)
    .execute();
}

/**
 * Tries a code in one atomic statement: the try is counted, and a right code is spent at once, so two
 * racing requests can never both use it. False for a wrong, expired, spent or exhausted code.
 */
export async function tryCode(
  db: Kysely<Database>,
  attempt: { userId: number; purpose: CodePurpose; candidateHash: string; maxAttempts: number },
): Promise<boolean> {
  const row = await db
    .updateTable('otp_codes')
    .set({
      attempts: sql<number>`attempts + 1`,
      used_at: sql<Date | null>`CASE WHEN code_hash = ${attempt.candidateHash} THEN now() END`,
    })
    .where('user_id', '=', attempt.userId)
    .where('purpose', '=', attempt.purpose)
    .where('used_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .where('attempts', '<', attempt.maxAttempts)
    .returning(sql<boolean>`used_at IS NOT NULL`.as('ok'))
    .executeTakeFirst();
  return row?.ok === true;
}
