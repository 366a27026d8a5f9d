import { createHmac, randomBytes } from 'node:crypto';

/*
 * How deliveries are signed (README "Webhooks"): `Lectern-Webhook-Signature: v1=<hex>` where hex is
 * HMAC-SHA256(secret, `${timestamp}.${body}`), timestamp being `Lectern-Webhook-Timestamp` (Unix
 * seconds of this attempt). The timestamp inside the signed text lets a receiver refuse replays: a
 * request older than its window (five minutes is the documented advice) is refused even though its
 * signature is good, and `Lectern-Webhook-Id` (the same on every retry) lets it drop duplicates. The
 * receiver's side is the README's snippet, which the tests use as written.
 */

export const SECRET_PREFIX = 'whsec_';

/** A new endpoint secret: 256 random bits. */
export const generateSecret = () => `${SECRET_PREFIX}${randomBytes(32).toString('base64url')}`;

export function signature(secret: string, timestamp: number, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}
