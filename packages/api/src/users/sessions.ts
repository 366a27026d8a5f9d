import { randomUUID } from 'node:crypto';
import type { Database } from '@lectern/db';
import type { Kysely } from 'kysely';
import { hashToken, signAccessToken, signRefreshToken, verifyRefreshToken } from '../shared/jwt.ts';
import {
  claimRefreshToken,
  findActiveUserById,
  findLiveRefreshToken,
  findRefreshTokenFamily,
  findSpentRefreshToken,
  insertRefreshToken,
  revokeRefreshTokens,
} from './queries.ts';

/*
 * Sessions: a login issues an access token and a refresh token in a new family; each use of a refresh
 * token spends it and issues its successor in the same family (rotation).
 */

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

/** Signs an access token and a refresh token, recording the refresh token in `familyId` (new login if absent). */
export async function issueTokenPair(
  db: Kysely<Database>,
  policy: TokenPolicy,
  userId: number,
  familyId: string = randomUUID(),
): Promise<TokenPair> {
  const access = await signAccessToken(policy.secret, userId, policy.accessTtlSeconds);
  const refresh = await signRefreshToken(policy.secret, userId, policy.refreshTtlSeconds);
  await insertRefreshToken(db, {
    userId,
    familyId,
    tokenHash: hashToken(refresh),
    expiresAt: new Date(Date.now() + policy.refreshTtlSeconds * 1000),
  });
  return { access, refresh };
}

export type RefreshOutcome =
  | { ok: true; tokens: { access: string; refresh?: string } }
  /** `familyRevoked`: a spent token came back after the grace window (likely theft). */
  | { ok: false; familyRevoked: boolean };

const refused = (familyRevoked = false): RefreshOutcome => ({ ok: false, familyRevoked });

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
  const userId = verifyRefreshToken(policy.secret, token);
  if (userId === null) return refused();
  const tokenHash = hashToken(token);
  if (!policy.rotation) {
    if (!(await findLiveRefreshToken(db, tokenHash)) || !(await isActiveUser(userId))) return refused();
    return {
      ok: true,
      tokens: { access: await signAccessToken(policy.secret, userId, policy.accessTtlSeconds) },
    };
  }
  const claimed = await claimRefreshToken(db, tokenHash);
  if (claimed) {
    if (claimed.user_id !== userId || !(await isActiveUser(userId))) return refused();
    return { ok: true, tokens: await issueTokenPair(db, policy, userId, claimed.family_id) };
  }
  const spent = await findSpentRefreshToken(db, tokenHash, policy.reuseGraceSeconds);
  if (!spent || spent.revoked_at !== null || spent.in_grace) return refused();
  await revokeRefreshTokens(db, { familyId: spent.family_id });
  return refused(true);
}

/** Revokes the family of a refresh token that belongs to `userId`; false if it is not such a token. */
export async function revokeRefreshToken(
  db: Kysely<Database>,
  secret: string,
  token: string,
  userId: number,
): Promise<boolean> {
  if (verifyRefreshToken(secret, token) !== userId) return false;
  const familyId = await findRefreshTokenFamily(db, hashToken(token), userId);
  if (familyId === undefined) return false;
  await revokeRefreshTokens(db, { familyId });
  return true;
}

/** Ends every session of a user (password reset, deletion). */
export async function revokeAllRefreshTokens(db: Kysely<Database>, userId: number): Promise<void> {
  await revokeRefreshTokens(db, { userId });
}
