import { createHmac, randomInt } from 'node:crypto';
import type { Database } from '@lectern/db';
import type { Kysely } from 'kysely';
import { type CodePurpose, codeSentWithin, endCodeCooldown, tryCode, upsertCode } from './queries.ts';

export type { CodePurpose };

export interface CodePolicy {
  /** HMAC key: codes are stored as HMAC-SHA256(secret, purpose:user:code), never in clear. */
  secret: string;
  ttlMinutes: number;
  maxAttempts: number;
  resendCooldownSeconds: number;
}

function hashCode(secret: string, userId: number, purpose: CodePurpose, code: string): string {
  return createHmac('sha256', secret).update(`otp:${purpose}:${userId}:${code}`).digest('hex');
}

/** Six digits from the CSPRNG. */
export function generateCode(): string {
  return String(randomInt(0, 1_000_000)).padStart(6, '0');
}

/** True when a code of this purpose went to this user less than the cooldown ago (no new mail then). */
export function inCooldown(
  db: Kysely<Database>,
  policy: CodePolicy,
  userId: number,
  purpose: CodePurpose,
): Promise<boolean> {
  return codeSentWithin(db, userId, purpose, policy.resendCooldownSeconds);
}

/** Issues a fresh code, replacing any earlier one of the same purpose (which stops working). */
export async function issueCode(
  db: Kysely<Database>,
  policy: CodePolicy,
  userId: number,
  purpose: CodePurpose,
): Promise<string> {
  const code = generateCode();
  await upsertCode(db, {
    userId,
    purpose,
    codeHash: hashCode(policy.secret, userId, purpose, code),
    ttlMinutes: policy.ttlMinutes,
  });
  return code;
}

/**
 * The mail carrying `code` could not be sent: its row stops holding the resend cooldown, so the user
 * can ask for another code as soon as mail works again (the cooldown counts codes sent). A newer code
 * issued meanwhile is left alone.
 */
export function releaseCooldown(
  db: Kysely<Database>,
  policy: CodePolicy,
  userId: number,
  purpose: CodePurpose,
  code: string,
): Promise<void> {
  return endCodeCooldown(db, {
    userId,
    purpose,
    codeHash: hashCode(policy.secret, userId, purpose, code),
    cooldownSeconds: policy.resendCooldownSeconds,
  });
}

/**
 * Tries a code: the try is counted and a right code spent at once. After `maxAttempts` tries even the
 * right code is refused until a new one is issued.
 */
export function consumeCode(
  db: Kysely<Database>,
  policy: CodePolicy,
  userId: number,
  purpose: CodePurpose,
  code: string,
): Promise<boolean> {
  const candidateHash = /^\d{6}$/.test(code) ? hashCode(policy.secret, userId, purpose, code) : '';
  return tryCode(db, { userId, purpose, candidateHash, maxAttempts: policy.maxAttempts });
}
