import { createHash, randomUUID } from 'node:crypto';
import type { Database } from '@lectern/db';
import { errors, jwtVerify, SignJWT } from 'jose';
import { type Kysely, sql } from 'kysely';
import { findActiveUserById } from '../queries/users.ts';

const ALG = 'HS256';
const ISSUER = 'lectern';

export interface AccessClaims {
  userId: number;
}

function key(secret: string): Uint8Array {
  return new TextEncoder().encode(secret);
}

export async function signAccessToken(secret: string, userId: number, ttlSeconds: number): Promise<string> {
  return new SignJWT({ typ: 'access' })
    .setProtectedHeader({ alg: ALG })
    .setSubject(String(userId))
    .setIssuer(ISSUER)
    .setIssuedAt()
    .setExpirationTime(`${ttlSeconds}s`)
    .sign(key(secret));
}

/** The access token's claims, or null for anything expired, forged, malformed or of another type. */
export async function verifyAccessToken(secret: string, token: string): Promise<AccessClaims | null> {
  try {
    const { payload } = await jwtVerify(token, key(secret), { algorithms: [ALG], issuer: ISSUER });
    const userId = Number(payload.sub);
    if (payload.typ !== 'access' || !Number.isSafeInteger(userId) || userId <= 0) return null;
    return { userId };
  } catch (error) {
    if (error instanceof errors.JOSEError) return null;
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------------
// Refresh tokens: JWTs (typ "refresh", a random jti) whose SHA-256 is tracked in `refresh_tokens`, one
// family per login. Rotation spends a token and issues its successor in the same family.

export interface TokenPolicy {
  secret: string;
  accessTtlSeconds: number;
  refreshTtlSeconds: number;
  rotation: boolean;
  /** A spent token presented again within this window is refused without revoking the family. */
  reuseGraceSeconds: number;
}

export interface TokenPair {
  access: string;
  refresh: string;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

async function signRefreshToken(policy: TokenPolicy, userId: number): Promise<string> {
  return new SignJWT({ typ: 'refresh' })
    .setProtectedHeader({ alg: ALG })
    .setSubject(String(userId))
    .setIssuer(ISSUER)
    .setJti(randomUUID())
    .setIssuedAt()
    .setExpirationTime(`${policy.refreshTtlSeconds}s`)
    .sign(key(policy.secret));
}

/** The user id of a well-signed, unexpired refresh token, or null. */
export async function verifyRefreshToken(secret: string, token: string): Promise<number | null> {
  try {
    const { payload } = await jwtVerify(token, key(secret), { algorithms: [ALG], issuer: ISSUER });
    const userId = Number(payload.sub);
    if (payload.typ !== 'refresh' || !Number.isSafeInteger(userId) || userId <= 0) return null;
    return userId;
  } catch (error) {
    if (error instanceof errors.JOSEError) return null;
    throw error;
  }
}

/** Signs an access token and a refresh token, recording the refresh token in `familyId` (new login if absent). */
export async function issueTokenPair(
  db: Kysely<Database>,
  policy: TokenPolicy,
  userId: number,
  familyId: string = randomUUID(),
): Promise<TokenPair> {
  const access = await signAccessToken(policy.secret, userId, policy.accessTtlSeconds);
  const refresh = await signRefreshToken(policy, userId);
  await db
    .insertInto('refresh_tokens')
    .values({
      user_id: userId,
      family_id: familyId,
      token_hash: hashToken(refresh),
      expires_at: new Date(Date.now() + policy.refreshTtlSeconds * 1000),
    })
    .execute();
  return { access, refresh };
}

export type RefreshOutcome =
  | { ok: true; tokens: { access: string; refresh?: string } }
  /** `familyRevoked`: a spent token came back after the grace window (likely theft). */
  | { ok: false; familyRevoked: boolean };

/**
 * Exchanges a refresh token. With rotation, the token is claimed by one atomic update (so of two
 * racing requests exactly one wins) and its successor issued in the same family. A token already
 * spent: within the grace window the request is just refused; later, the whole family is revoked.
 * Run it in a transaction that commits (the outcome is returned, not thrown) so a revocation sticks.
 */
export async function rotateRefreshToken(
  db: Kysely<Database>,
  policy: TokenPolicy,
  token: string,
): Promise<RefreshOutcome> {
  const isActiveUser = async (id: number) => (await findActiveUserById(db, id)) !== undefined;
  const userId = await verifyRefreshToken(policy.secret, token);
  if (userId === null) return { ok: false, familyRevoked: false };
  const tokenHash = hashToken(token);
  if (!policy.rotation) {
    const row = await db
      .selectFrom('refresh_tokens')
      .select('id')
      .where('token_hash', '=', tokenHash)
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', sql<Date>`now()`)
      .executeTakeFirst();
    if (!row || !(await isActiveUser(userId))) return { ok: false, familyRevoked: false };
    return {
      ok: true,
      tokens: { access: await signAccessToken(policy.secret, userId, policy.accessTtlSeconds) },
    };
  }
  const claimed = await db
    .updateTable('refresh_tokens')
    .set({ used_at: sql<Date>`now()` })
    .where('token_hash', '=', tokenHash)
    .where('used_at', 'is', null)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .returning(['family_id', 'user_id'])
    .executeTakeFirst();
  if (claimed) {
    if (claimed.user_id !== userId || !(await isActiveUser(userId)))
      return { ok: false, familyRevoked: false };
    return { ok: true, tokens: await issueTokenPair(db, policy, userId, claimed.family_id) };
  }
  const spent = await db
    .selectFrom('refresh_tokens')
    .select([
      'family_id',
      'revoked_at',
      sql<boolean>`used_at > now() - make_interval(secs => ${policy.reuseGraceSeconds})`.as('in_grace'),
    ])
    .where('token_hash', '=', tokenHash)
    .where('used_at', 'is not', null)
    .executeTakeFirst();
  if (!spent || spent.revoked_at !== null || spent.in_grace) return { ok: false, familyRevoked: false };
  await revokeFamily(db, spent.family_id);
  return { ok: false, familyRevoked: true };
}

export async function revokeFamily(db: Kysely<Database>, familyId: string): Promise<void> {
  await db
    .updateTable('refresh_tokens')
    .set({ revoked_at: sql<Date>`now()` })
    .where('family_id', '=', familyId)
    .where('revoked_at', 'is', null)
    .execute();
}

/** Revokes the family of a refresh token that belongs to `userId`; false if it is not such a token. */
export async function revokeRefreshToken(
  db: Kysely<Database>,
  secret: string,
  token: string,
  userId: number,
): Promise<boolean> {
  if ((await verifyRefreshToken(secret, token)) !== userId) return false;
  const row = await db
    .selectFrom('refresh_tokens')
    .select('family_id')
    .where('token_hash', '=', hashToken(token))
    .where('user_id', '=', userId)
    .executeTakeFirst();
  if (!row) return false;
  await revokeFamily(db, row.family_id);
  return true;
}

/** Ends every session of a user (password reset, deletion). */
export async function revokeAllRefreshTokens(db: Kysely<Database>, userId: number): Promise<void> {
  await db
    .updateTable('refresh_tokens')
    .set({ revoked_at: sql<Date>`now()` })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .execute();
}
