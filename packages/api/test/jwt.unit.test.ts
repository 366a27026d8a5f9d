import { createHmac } from 'node:crypto';
import { SignJWT, UnsecuredJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import {
  signAccessToken,
  signRefreshToken,
  verifyAccessToken,
  verifyRefreshToken,
} from '../src/shared/jwt.ts';

const SECRET = 'a-test-secret-that-is-long-enough-for-hs256';
const key = new TextEncoder().encode(SECRET);
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A token with any header and claims, signed with HMAC-SHA256 by hand (what a forger could build). */
function handSigned(header: unknown, claims: unknown, secret = SECRET): string {
  const signingInput = `${b64(header)}.${b64(claims)}`;
  return `${signingInput}.${createHmac('sha256', secret).update(signingInput).digest('base64url')}`;
}

const nowSeconds = () => Math.floor(Date.now() / 1000);
const goodClaims = () => ({
  typ: 'access',
  sub: '42',
  iss: 'lectern',
  iat: nowSeconds(),
  exp: nowSeconds() + 60,
});

describe('JWT verification (synchronous HS256)', () => {
  it('accepts what Lectern signs, with its user and expiry', async () => {
    const before = Date.now();
    const token = await signAccessToken(SECRET, 42, 900);
    const verified = verifyAccessToken(SECRET, token);
    expect(verified?.userId).toBe(42);
    expect(verified?.expiresAt).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 + 900_000);
    expect(verified?.expiresAt).toBeLessThanOrEqual(Date.now() + 900_000);
    expect(verifyRefreshToken(SECRET, await signRefreshToken(SECRET, 7, 60))).toBe(7);
    expect(verifyAccessToken(SECRET, handSigned({ alg: 'HS256', typ: 'JWT' }, goodClaims()))?.userId).toBe(
      42,
    );
  });

  it('refuses the other token type, another secret, and any changed byte', async () => {
    const access = await signAccessToken(SECRET, 42, 900);
    const refresh = await signRefreshToken(SECRET, 42, 900);
    expect(verifyRefreshToken(SECRET, access)).toBeNull();
    expect(verifyAccessToken(SECRET, refresh)).toBeNull();
    expect(verifyAccessToken(`${SECRET}x`, access)).toBeNull();
    const [header, payload, signature] = access.split('.') as [string, string, string];
    const otherUser = b64({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), sub: '1' });
    expect(verifyAccessToken(SECRET, `${header}.${otherUser}.${signature}`)).toBeNull();
    const flipped = `${signature.slice(0, -2)}${signature.at(-2) === 'A' ? 'B' : 'A'}${signature.at(-1)}`;
    expect(verifyAccessToken(SECRET, `${header}.${payload}.${flipped}`)).toBeNull();
    expect(verifyAccessToken(SECRET, `${header}.${payload}.${signature.slice(0, 20)}`)).toBeNull();
    expect(verifyAccessToken(SECRET, `${header}.${payload}.`)).toBeNull();
  });

  it('refuses expired, not-yet-valid, foreign-issuer and badly-claimed tokens even when well signed', async () => {
    const expired = await new SignJWT({ typ: 'access' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('42')
      .setIssuer('lectern')
      .setExpirationTime(nowSeconds() - 1)
      .sign(key);
    expect(verifyAccessToken(SECRET, expired)).toBeNull();
    const token = await signAccessToken(SECRET, 42, 60);
    expect(verifyAccessToken(SECRET, token, Date.now() + 61_000)).toBeNull();
    const claims = goodClaims();
    for (const changed of [
      { ...claims, exp: claims.exp - 120 },
      { ...claims, exp: undefined },
      { ...claims, exp: String(claims.exp) },
      { ...claims, nbf: nowSeconds() + 60 },
      { ...claims, iss: 'someone-else' },
      { ...claims, iss: undefined },
      { ...claims, typ: undefined },
      { ...claims, sub: undefined },
      { ...claims, sub: 42 },
      { ...claims, sub: '0' },
      { ...claims, sub: '-3' },
      { ...claims, sub: '4.5' },
      { ...claims, sub: '042' },
      { ...claims, sub: '99999999999999999999' },
    ]) {
      expect(
        verifyAccessToken(SECRET, handSigned({ alg: 'HS256' }, changed)),
        JSON.stringify(changed),
      ).toBeNull();
    }
  });

  it('refuses other algorithms, critical headers and malformed tokens', () => {
    const claims = goodClaims();
    expect(verifyAccessToken(SECRET, new UnsecuredJWT(claims).encode())).toBeNull();
    expect(verifyAccessToken(SECRET, handSigned({ alg: 'none' }, claims))).toBeNull();
    expect(verifyAccessToken(SECRET, handSigned({ alg: 'HS512' }, claims))).toBeNull();
    expect(
      verifyAccessToken(SECRET, handSigned({ alg: 'HS256', crit: ['b64'], b64: false }, claims)),
    ).toBeNull();
    expect(verifyAccessToken(SECRET, handSigned('HS256', claims))).toBeNull();
    expect(verifyAccessToken(SECRET, handSigned({ alg: 'HS256' }, [claims]))).toBeNull();
    for (const bad of ['', 'a', 'a.b', 'a.b.c.d', '..', '!!.??.##', `${b64({ alg: 'HS256' })}.not json.x`]) {
      expect(verifyAccessToken(SECRET, bad), bad).toBeNull();
    }
  });
});
