import { errors, jwtVerify, SignJWT } from 'jose';

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
