import { createHash, createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { SignJWT } from 'jose';

/*
 * Access and refresh tokens are HS256 JWTs issued by "lectern", told apart by a `typ` claim. Refresh
 * tokens carry a random `jti`; their SHA-256 is what the database keeps (users/sessions.ts).
 *
 * Signing goes through jose; verifying is done here, synchronously, with node:crypto's HMAC: every
 * authenticated request verifies a token, and jose's WebCrypto path cost 65–120 µs of CPU and a
 * thread-pool round trip per call against ~5 µs for this (bench/results/issue-12-research.md). Only
 * what Lectern itself issues is accepted: header `alg` HS256 (no `crit`), issuer "lectern", an
 * integer `exp` in the future, `nbf` (if any) not in the future, a positive integer subject.
 */

const ALG = 'HS256';
const ISSUER = 'lectern';
type TokenType = 'access' | 'refresh';

const keys = new Map<string, Uint8Array>();
function key(secret: string): Uint8Array {
  let encoded = keys.get(secret);
  if (!encoded) {
    encoded = new TextEncoder().encode(secret);
    keys.set(secret, encoded);
  }
  return encoded;
}

function sign(secret: string, type: TokenType, userId: number, ttlSeconds: number): Promise<string> {
  const jwt = new SignJWT({ typ: type })
    .setProtectedHeader({ alg: ALG })
    .setSubject(String(userId))
    .setIssuer(ISSUER)
    .setIssuedAt()
    .setExpirationTime(`${ttlSeconds}s`);
  if (type === 'refresh') jwt.setJti(randomUUID());
  return jwt.sign(key(secret));
}

/** What a verified token says: its user and when it expires (ms since the epoch). */
export interface VerifiedToken {
  userId: number;
  expiresAt: number;
}

const BASE64URL = /^[A-Za-z0-9_-]*$/;

function jsonPart(part: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

/** A well-signed, unexpired token of `type`, or null (forged, expired, malformed, other type). */
function verify(secret: string, type: TokenType, token: string, now = Date.now()): VerifiedToken | null {
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  const [header, payload, signature] = parts as [string, string, string];
  if (!BASE64URL.test(header) || !BASE64URL.test(payload) || !BASE64URL.test(signature)) return null;
  const expected = createHmac('sha256', key(secret)).update(`${header}.${payload}`).digest();
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  const head = jsonPart(header);
  if (head === null || head.alg !== ALG || head.crit !== undefined) return null;
  const claims = jsonPart(payload);
  if (claims === null || claims.iss !== ISSUER || claims.typ !== type) return null;
  const seconds = Math.floor(now / 1000);
  const { exp, nbf } = claims;
  if (typeof exp !== 'number' || !Number.isSafeInteger(exp) || exp <= seconds) return null;
  if (nbf !== undefined && (typeof nbf !== 'number' || nbf > seconds)) return null;
  const userId =
    typeof claims.sub === 'string' && /^[1-9]\d*$/.test(claims.sub) ? Number(claims.sub) : Number.NaN;
  if (!Number.isSafeInteger(userId)) return null;
  return { userId, expiresAt: exp * 1000 };
}

export const signAccessToken = (secret: string, userId: number, ttlSeconds: number) =>
  sign(secret, 'access', userId, ttlSeconds);
export const signRefreshToken = (secret: string, userId: number, ttlSeconds: number) =>
  sign(secret, 'refresh', userId, ttlSeconds);
export const verifyAccessToken = (secret: string, token: string, now?: number) =>
  verify(secret, 'access', token, now);
/** The user id of a valid refresh token, or null. */
export const verifyRefreshToken = (secret: string, token: string): number | null =>
  verify(secret, 'refresh', token)?.userId ?? null;

/** What the database keeps of a refresh token. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
