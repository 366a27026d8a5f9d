/** The housekeeping purges: only rows that no longer matter go, and a pass does bounded work. */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { purgeExpiredRows } from '../src/purges.ts';
import { insertBareUser, openTestDb, type TestDb } from '../src/testing.ts';

const ago = (seconds: number) => sql<Date>`now() - make_interval(secs => ${seconds})`;
const ahead = (seconds: number) => sql<Date>`now() + make_interval(secs => ${seconds})`;

describe('purgeExpiredRows', () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await openTestDb();
  });
  afterAll(async () => {
    await t.close();
  });

  const newUser = () => insertBareUser(t.db);

  it('deletes expired refresh tokens in batches of batchSize, at most maxBatches per pass; live ones stay', async () => {
    const userId = await newUser();
    const token = (expires: ReturnType<typeof ago>) => ({
      user_id: userId,
      family_id: randomUUID(),
      token_hash: randomUUID(),
      expires_at: expires,
    });
    await t.db
      .insertInto('refresh_tokens')
      .values([
        ...Array.from({ length: 25 }, () => token(ago(60))),
        ...Array.from({ length: 3 }, () => token(ahead(3600))),
      ])
      .execute();
    const opts = { batchSize: 10, maxBatches: 2, otpResendCooldownSeconds: 60, otpMaxAttempts: 5 };
    const count = async () =>
      (await t.db.selectFrom('refresh_tokens').select('expires_at').where('user_id', '=', userId).execute())
        .length;

    expect((await purgeExpiredRows(t.db, opts)).refreshTokens).toBe(20);
    expect(await count()).toBe(8);
    expect((await purgeExpiredRows(t.db, opts)).refreshTokens).toBe(5);
    expect(await count()).toBe(3);
    expect((await purgeExpiredRows(t.db, opts)).refreshTokens).toBe(0);
    expect(await count()).toBe(3);
  });

  it('deletes spent, expired and exhausted codes once their resend cooldown is over; keeps live and cooling ones', async () => {
    const code = async (fields: Record<string, unknown>) => {
      const userId = await newUser();
      await t.db
        .insertInto('otp_codes')
        .values({ user_id: userId, purpose: 'verify', code_hash: 'h', expires_at: ahead(600), ...fields })
        .execute();
      return userId;
    };
    const expiredOld = await code({ expires_at: ago(10), sent_at: ago(700) });
    const usedOld = await code({ used_at: ago(100), sent_at: ago(120) });
    const exhaustedOld = await code({ attempts: 5, sent_at: ago(120) });
    const usedRecent = await code({ used_at: ago(5), sent_at: ago(10) }); // its sent_at still holds the cooldown
    const live = await code({ sent_at: ago(120) });
    const opts = { batchSize: 1000, maxBatches: 10, otpResendCooldownSeconds: 60, otpMaxAttempts: 5 };
    expect((await purgeExpiredRows(t.db, opts)).otpCodes).toBe(3);
    const left = (await t.db.selectFrom('otp_codes').select('user_id').execute()).map((r) => r.user_id);
    expect(left).toEqual(expect.arrayContaining([usedRecent, live]));
    for (const gone of [expiredOld, usedOld, exhaustedOld]) expect(left).not.toContain(gone);
  });

  it('deletes rate-limit counters whose window is over', async () => {
    const tag = randomUUID();
    await t.db
      .insertInto('rate_limits')
      .values([
        { key: `old:${tag}`, hits: 3, reset_at: ago(1) },
        { key: `lock:${tag}`, hits: 5, reset_at: ago(30) },
        { key: `live:${tag}`, hits: 1, reset_at: ahead(600) },
      ])
      .execute();
    const opts = { batchSize: 1000, maxBatches: 10, otpResendCooldownSeconds: 60, otpMaxAttempts: 5 };
    expect((await purgeExpiredRows(t.db, opts)).rateLimits).toBe(2);
    const keys = (await t.db.selectFrom('rate_limits').select('key').execute()).map((r) => r.key);
    expect(keys).toEqual([`live:${tag}`]);
  });

  it('deletes content events older than the retention, and none without one', async () => {
    const tag = randomUUID().slice(0, 8);
    await sql`INSERT INTO content_events (type, slug, is_public, at) VALUES
      ('category.created', ${`old-${tag}`}, true, ${ago(3 * 3600)}),
      ('category.updated', ${`old-${tag}`}, true, ${ago(2 * 3600)}),
      ('category.deleted', ${`new-${tag}`}, true, ${ago(60)})`.execute(t.db);
    const opts = { batchSize: 1000, maxBatches: 10, otpResendCooldownSeconds: 60, otpMaxAttempts: 5 };
    expect((await purgeExpiredRows(t.db, opts)).contentEvents).toBe(0);
    expect((await purgeExpiredRows(t.db, { ...opts, eventsRetentionSeconds: 3600 })).contentEvents).toBe(2);
    const slugs = (
      await t.db.selectFrom('content_events').select('slug').where('slug', 'like', `%${tag}`).execute()
    ).map((r) => r.slug);
    expect(slugs).toEqual([`new-${tag}`]);
  });
});
