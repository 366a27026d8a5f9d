import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { Database } from './types.ts';

export interface PurgeOptions {
  /** Rows removed by one DELETE. */
  batchSize: number;
  /** DELETEs per table in one pass: a pass never does more than batchSize × maxBatches rows a table. */
  maxBatches: number;
  /** A spent or dead code row is kept this long after it was sent: its sent_at drives the resend cooldown. */
  otpResendCooldownSeconds: number;
  otpMaxAttempts: number;
  /** Content events (the live-event log) are kept this long; 0 or absent keeps them all. */
  eventsRetentionSeconds?: number;
}

export interface PurgeCounts {
  refreshTokens: number;
  otpCodes: number;
  rateLimits: number;
  contentEvents: number;
}

/**
 * Deletes rows that can no longer matter, in bounded batches: refresh tokens past their expiry (the
 * JWT itself has expired, so the row decides nothing any more), codes that are expired, used or out
 * of tries once their resend cooldown is over, rate-limit counters whose window has ended, and content
 * events older than their retention (a client resuming from one of them is told to reload instead).
 *
 * Each batch locks its rows with SKIP LOCKED, so several processes purging at once share the work
 * instead of queueing behind each other, and a row that a request is updating right now is left for
 * the next pass.
 */
export async function purgeExpiredRows(db: Kysely<Database>, opts: PurgeOptions): Promise<PurgeCounts> {
  const limit = opts.batchSize;
  const refreshTokens = await inBatches(
    db,
    opts,
    sql`DELETE FROM refresh_tokens WHERE id IN (
      SELECT id FROM refresh_tokens WHERE expires_at < now() LIMIT ${limit} FOR UPDATE SKIP LOCKED)`,
  );
  const otpCodes = await inBatches(
    db,
    opts,
    sql`DELETE FROM otp_codes WHERE id IN (
      SELECT id FROM otp_codes
      WHERE (expires_at < now() OR used_at IS NOT NULL OR attempts >= ${opts.otpMaxAttempts})
        AND sent_at < now() - make_interval(secs => ${opts.otpResendCooldownSeconds})
      LIMIT ${limit} FOR UPDATE SKIP LOCKED)`,
  );
  const rateLimits = await inBatches(
    db,
    opts,
    sql`DELETE FROM rate_limits WHERE key IN (
      SELECT key FROM rate_limits WHERE reset_at < now() LIMIT ${limit} FOR UPDATE SKIP LOCKED)
      AND reset_at < now()`,
  );
  const retention = opts.eventsRetentionSeconds ?? 0;
  const contentEvents =
    retention > 0
      ? await inBatches(
          db,
          opts,
          sql`DELETE FROM content_events WHERE id IN (
            SELECT id FROM content_events WHERE at < now() - make_interval(secs => ${retention})
            LIMIT ${limit} FOR UPDATE SKIP LOCKED)`,
        )
      : 0;
  return { refreshTokens, otpCodes, rateLimits, contentEvents };
}

async function inBatches(db: Kysely<Database>, opts: PurgeOptions, deletion: RawBuilder<unknown>) {
  let total = 0;
  for (let i = 0; i < opts.maxBatches; i++) {
    // Counted with a CTE: both dialects (pg and PGlite) return the count the same way.
    const { rows } = await sql<{ n: number }>`WITH gone AS (${deletion} RETURNING 1)
      SELECT count(*)::int AS n FROM gone`.execute(db);
    const deleted = rows[0]?.n ?? 0;
    total += deleted;
    if (deleted < opts.batchSize) break;
  }
  return total;
}
