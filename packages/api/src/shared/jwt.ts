import { createHash, randomUUID } from 'node:crypto';
import { errors, jwtVerify, SignJWT } from 'jose';

/*
 * Access and refresh tokens are HS256 JWTs issued by "lectern", told apart by a `typ` claim. Refresh
 * tokens carry a random `jti`; their SHA-256 is what the database keeps (users/sessions.ts).
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

/** The user id of a well-signed, unexpired token of `type`, or null (forged, expired, malformed, other type). */
async function verify(secret: string, type: TokenType, token: string): Promise<number | null> {
  try {
    const { payload } = await jwtVerify(token, key(secret), { algorithms: [ALG], issuer: ISSUER });
    const userId = Number(payload.sub);
    if (payload.typ !== type || !Number.isSafeInteger(userId) || userId <= 0) return null;
    return userId;
  } catch (error) {
    if (error instanceof errors.JOSEError) return null;
    throw error;
  }
}

export const signAccessToken = (secret: string, userId: number, ttlSeconds: number) =>
  sign(secret, 'access', userId, ttlSeconds);
export const signRefreshToken = (secret: string, userId: number, ttlSeconds: number) =>
  sign(secret, 'refresh', userId, ttlSeconds);
export const verifyAccessToken = (secret: string, token: string) => verify(secret, 'access', token);
export const verifyRefreshToken = (secret: string, token: string) => verify(secret, 'refresh', token);

/** What the database keeps of a refresh token. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
