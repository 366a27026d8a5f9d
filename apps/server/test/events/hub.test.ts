/**
 * The event hub on its own (one per server process): concurrent writers never make it skip an id
 * (migration 0041 orders ids by commit), a lost LISTEN connection is re-established and what
 * committed meanwhile is delivered, and a subscriber that does not keep up catches up from the log.
 */
import { EventHub } from '@lectern/api';
import { openTestDb, type TestDb } from '@lectern/db/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { within } from './sse.ts';

describe('event hub', () => {
  let testDb: TestDb;
  let hub: EventHub;
  beforeAll(async () => {
    testDb = await openTestDb();
    hub = new EventHub({
      db: testDb.db,
      notifications: testDb.notifications,
      maxSubscribers: 10,
      maxQueued: 50,
    });
  });
  afterAll(async () => {
    await hub.close();
    await testDb.close();
  });

  /** One event in its own transaction (as every content change writes it). */
  const write = (slug: string, isPublic = true) =>
    testDb.db
      .transaction()
      .execute((tx) =>
        tx
          .insertInto('content_events')
          .values({ type: 'category.updated', slug, author_id: null, is_public: isPublic })
          .execute(),
      );

  /** Collects a stream's events in the background. */
  function collect(stream: AsyncGenerator<{ id: number; slug: string }, void>) {
    const seen: Array<{ id: number; slug: string }> = [];
    let error: unknown;
    const done = (async () => {
      try {
        for await (const event of stream) seen.push(event);
      } catch (e) {
        error = e;
      }
    })();
    return { seen, done, error: () => error };
  }

  it('delivers every event of concurrent transactions, in id order, none skipped', async () => {
    const abort = new AbortController();
    const { seen, done } = collect(await hub.open({ kind: 'staff' }, { signal: abort.signal }));
    const tag = crypto.randomUUID().slice(0, 8);
    await Promise.all(Array.from({ length: 100 }, (_, i) => write(`burst-${tag}-${i}`)));
    const mine = () => seen.filter((e) => e.slug.startsWith(`burst-${tag}`));
    await within(5_000, () => mine().length === 100, 'all 100 events');
    const ids = mine().map((e) => e.id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(100);
    abort.abort();
    await done;
  });

  it.runIf(process.env.LECTERN_TEST_DB === 'postgres')(
    're-establishes a lost LISTEN connection and delivers what committed meanwhile',
    async () => {
      const abort = new AbortController();
      const { seen, done } = collect(await hub.open({ kind: 'public' }, { signal: abort.signal }));
      const tag = crypto.randomUUID().slice(0, 8);
      await write(`before-${tag}`);
      await within(2_000, () => seen.some((e) => e.slug === `before-${tag}`), 'first event');
      // The database ends the hub's LISTEN session (as a restart or failover would), then a change
      // commits before the hub is listening again: its notification is lost.
      const { rows } = await sql<{ n: number }>`
        SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity
        WHERE datname = current_database() AND query ILIKE 'LISTEN%'`.execute(testDb.db);
      expect(rows[0]?.n).toBe(1);
      await write(`during-${tag}`);
      await write(`hidden-${tag}`, false);
      await within(5_000, () => seen.some((e) => e.slug === `during-${tag}`), 'event from the gap');
      await write(`after-${tag}`);
      await within(2_000, () => seen.some((e) => e.slug === `after-${tag}`), 'event after reconnecting');
      expect(seen.map((e) => e.slug).filter((s) => s.endsWith(tag))).toEqual([
        `before-${tag}`,
        `during-${tag}`,
        `after-${tag}`,
      ]);
      abort.abort();
      await done;
    },
  );

  it('a subscriber that falls far behind catches up from the log: bounded memory, nothing lost', async () => {
    const abort = new AbortController();
    const stream = await hub.open({ kind: 'staff' }, { signal: abort.signal });
    const tag = crypto.randomUUID().slice(0, 8);
    // Nobody reads: more events than its queue holds (maxQueued 50) commit meanwhile.
    for (let i = 0; i < 120; i++) await write(`slow-${tag}-${i}`);
    await within(2_000, () => hub.lagging === 1, 'queue dropped');
    const { seen, done } = collect(stream);
    const mine = () => seen.filter((e) => e.slug.startsWith(`slow-${tag}`));
    await within(2_000, () => mine().length === 120, 'all 120 events');
    expect(mine().map((e) => e.slug)).toEqual(Array.from({ length: 120 }, (_, i) => `slow-${tag}-${i}`));
    await write(`live-${tag}`);
    await within(2_000, () => seen.some((e) => e.slug === `live-${tag}`), 'live again');
    abort.abort();
    await done;
    expect(hub.size).toBe(0);
  });
});
