import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/*
 * How deliveries are signed (README "Webhooks"): `Lectern-Webhook-Signature: v1=<hex>` where hex is
 * HMAC-SHA256(secret, `${timestamp}.${body}`), timestamp being `Lectern-Webhook-Timestamp` (Unix
 * seconds of this attempt). The timestamp inside the signed text lets a receiver refuse replays: a
 * request older than its window (five minutes is the documented advice) is refused even though its
 * signature is good, and `Lectern-Webhook-Id` (the same on every retry) lets it drop duplicates.
 */

export const SECRET_PREFIX = 'whsec_';
/** The replay window the README advises receivers to apply. */
export const REPLAY_WINDOW_SECONDS = 300;

/** A new endpoint secret: 256 random bits. */
export const generateSecret = () => `${SECRET_PREFIX}${randomBytes(32).toString('base64url')}`;

export function signature(secret: string, timestamp: number, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/**
 * The receiver's side, as the README shows it: true when the signature matches and the timestamp is
 * within the window. (Lectern itself never receives webhooks; the tests use this recipe.)
 */
export function verifySignature(
  secret: string,
  headers: { timestamp: string | undefined; signature: string | undefined },
  body: string,
  now = Date.now(),
): boolean {
  const timestamp = Number(headers.timestamp);
  if (!Number.isInteger(timestamp) || Math.abs(now / 1000 - timestamp) > REPLAY_WINDOW_SECONDS) return false;
  const expected = Buffer.from(signature(secret, timestamp, body));
  const given = Buffer.from(headers.signature ?? '');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
