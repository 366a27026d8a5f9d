import { createHmac, randomInt } from 'node:crypto';
import type { Database } from '@lectern/db';
import { type Kysely, sql } from 'kysely';

export type CodePurpose = 'verify' | 'reset';

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

/**
 * True when a code of this purpose went to this user less than the cooldown ago: no new mail then
 * (the caller still answers 200).
 */
export async function inCooldown(
  db: Kysely<Database>,
  policy: CodePolicy,
  userId: number,
  purpose: CodePurpose,
): Promise<boolean> {
  const row = await db
    .selectFrom('otp_codes')
    .select(
      sql<boolean>`sent_at > now() - make_interval(secs => ${policy.resendCooldownSeconds})`.as('recent'),
    )
    .where('user_id', '=', userId)
    .where('purpose', '=', purpose)
    .executeTakeFirst();
  return row?.recent === true;
}

/** Issues a fresh code, replacing any earlier one of the same purpose (which stops working). */
export async function issueCode(
  db: Kysely<Database>,
  policy: CodePolicy,
  userId: number,
  purpose: CodePurpose,
): Promise<string> {
  const code = generateCode();
  const codeHash = hashCode(policy.secret, userId, purpose, code);
  const expiresAt = sql<Date>`now() + make_interval(mins => ${policy.ttlMinutes})`;
  await db
    .insertInto('otp_codes')
    .values({ user_id: userId, purpose, code_hash: codeHash, expires_at: expiresAt })
    .onConflict((oc) =>
      oc.columns(['user_id', 'purpose']).doUpdateSet({
        code_hash: codeHash,
        expires_at: expiresAt,
        attempts: 0,
        used_at: null,
        sent_at: sql<Date>`now()`,
      }),
    )
    .execute();
  return code;
}

/**
 * The mail carrying `code` could not be sent: its row stops holding the resend cooldown, so the user
 * can ask for another code as soon as mail works again (api.md's cooldown counts codes sent). A newer
 * code issued meanwhile is left alone.
 */
export async function releaseCooldown(
  db: Kysely<Database>,
  policy: CodePolicy,
  userId: number,
  purpose: CodePurpose,
  code: string,
): Promise<void> {
  await db
    .updateTable('otp_codes')
    .set({ sent_at: sql<Date>`now() - make_interval(secs => ${policy.resendCooldownSeconds + 1})` })
    .where('user_id', '=', userId)
    .where('purpose', '=', purpose)
    .where('code_hash', '=', hashCode(policy.secret, userId, purpose, code))
    .execute();
}

/**
 * Tries a code in one atomic statement: the try is counted, and a right code is spent at once, so two
 * racing requests can never both use it. A wrong, expired, spent or exhausted code gives false; after
 * `maxAttempts` tries even the right code is refused until a new one is issued.
 */
export async function consumeCode(
  db: Kysely<Database>,
  policy: CodePolicy,
  userId: number,
  purpose: CodePurpose,
  code: string,
): Promise<boolean> {
  const candidate = /^\d{6}$/.test(code) ? hashCode(policy.secret, userId, purpose, code) : '';
  const row = await db
    .updateTable('otp_codes')
    .set({
      attempts: sql<number>`attempts + 1`,
      used_at: sql<Date | null>`CASE WHEN code_hash = ${candidate} THEN now() END`,
    })
    .where('user_id', '=', userId)
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .where('attempts', '<', policy.maxAttempts)
    .returning(sql<boolean>`used_at IS NOT NULL`.as('ok'))
    .executeTakeFirst();
  return row?.ok === true;
}
