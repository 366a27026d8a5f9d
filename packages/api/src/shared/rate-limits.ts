import type { Database } from '@lectern/db';
import { type Kysely, sql } from 'kysely';
import { fail } from '../errors.ts';

export type LimitedAction = 'login' | 'register' | 'resend' | 'forget' | 'verify' | 'reset';

export interface RateLimitConfig {
  enabled: boolean;
  windowSeconds: number;
  caps: Record<LimitedAction, { perIp: number; perEmail: number }>;
  /** Failed logins for one address before it is locked, and for how long. */
  lockout: { failures: number; seconds: number };
}

interface Counter {
  hits: number;
  retryAfter: number;
}

/**
 * Fixed-window counters in PostgreSQL, so every server process shares them. Each hit is one atomic
 * upsert (no read-then-write race); expired rows are reset in place, and deleted in bounded batches
 * by the server's housekeeping job (packages/db/src/purges.ts), not inside a request.
 */
export class RateLimiter {
  constructor(
    private readonly db: Kysely<Database>,
    readonly config: RateLimitConfig,
  ) {}

  /** Counts one request of `action` for the client address and the email; 429 once either is over. */
  async hit(action: LimitedAction, who: { ip: string; email?: string | undefined }): Promise<void> {
    if (!this.config.enabled) return;
    const cap = this.config.caps[action];
    const checks: Array<[string, number]> = [[`${action}:ip:${who.ip}`, cap.perIp]];
    if (who.email) checks.push([`${action}:email:${normaliseEmail(who.email)}`, cap.perEmail]);
    let retryAfter = 0;
    for (const [key, limit] of checks) {
      const counter = await this.#increment(key, this.config.windowSeconds);
      if (counter.hits > limit) retryAfter = Math.max(retryAfter, counter.retryAfter);
    }
    if (retryAfter > 0) throw fail.rateLimited(retryAfter);
  }

  /** 429 while the address is locked after too many failed logins (known address or not). */
  async assertNotLocked(email: string): Promise<void> {
    if (!this.config.enabled) return;
    const row = await this.db
      .selectFrom('rate_limits')
      .select(['hits', sql<number>`ceil(extract(epoch from reset_at - now()))::int`.as('retry_after')])
      .where('key', '=', lockoutKey(email))
      .where('reset_at', '>', sql<Date>`now()`)
      .executeTakeFirst();
    if (row && row.hits >= this.config.lockout.failures) throw fail.rateLimited(Math.max(1, row.retry_after));
  }

  /** Counts a failed login; the failure that reaches the threshold starts the lockout. */
  async recordLoginFailure(email: string): Promise<void> {
    if (!this.config.enabled) return;
    const { failures, seconds } = this.config.lockout;
    const counter = await this.#increment(lockoutKey(email), seconds);
    if (counter.hits === failures) {
      await this.db
        .updateTable('rate_limits')
        .set({ reset_at: sql<Date>`now() + make_interval(secs => ${seconds})` })
        .where('key', '=', lockoutKey(email))
        .execute();
    }
  }

  async clearLoginFailures(email: string): Promise<void> {
    if (!this.config.enabled) return;
    await this.db.deleteFrom('rate_limits').where('key', '=', lockoutKey(email)).execute();
  }

  async #increment(key: string, windowSeconds: number): Promise<Counter> {
    const fresh = sql<Date>`now() + make_interval(secs => ${windowSeconds})`;
    const row = await this.db
      .insertInto('rate_limits')
      .values({ key, hits: 1, reset_at: fresh })
      .onConflict((oc) =>
        oc.column('key').doUpdateSet({
          hits: sql<number>`CASE WHEN rate_limits.reset_at <= now() THEN 1 ELSE rate_limits.hits + 1 END`,
          reset_at: sql<Date>`CASE WHEN rate_limits.reset_at <= now() THEN excluded.reset_at ELSE rate_limits.reset_at END`,
        }),
      )
      .returning(['hits', sql<number>`ceil(extract(epoch from reset_at - now()))::int`.as('retry_after')])
      .executeTakeFirstOrThrow();
    return { hits: row.hits, retryAfter: Math.max(1, row.retry_after) };
  }
}

function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

function lockoutKey(email: string): string {
  return `login-fail:email:${normaliseEmail(email)}`;
}
