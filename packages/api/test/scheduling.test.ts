/**
 * Scheduled publishing on both databases: the rules of `publish_at` through the procedures, and the
 * scheduler's pass (publishDuePosts) — what it publishes, the revision it records, the content version
 * it moves, and, on PostgreSQL, exactly-once publication with several schedulers and a lock holder that
 * dies.
 */
import { createDb } from '@lectern/db';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthUser } from '../src/context.ts';
import { describeError } from '../src/errors.ts';
import { publishDuePosts } from '../src/posts/scheduler.ts';
import { ContentCache } from '../src/shared/content-cache.ts';
import { openProcedures, type Procedures } from './caller.ts';

const onPostgres = process.env.LECTERN_TEST_DB === 'postgres';
const HOUR = 3_600_000;

const fieldsOf = async (work: () => Promise<unknown>): Promise<Record<string, string[]> | string> => {
  try {
    await work();
    return 'ok';
  } catch (error) {
    const info = describeError(error);
    if (info.machineCode === 'INTERNAL_ERROR') throw error;
    return info.fields ?? info.machineCode;
  }
};

describe('scheduled publishing', () => {
  let p: Procedures;
  let author: AuthUser;
  let reader: AuthUser;

  /** Moves a schedule into the past, as time passing would (the API refuses past times). */
  const makeDue = (postId: number, secondsAgo = 1) =>
    p.testDb.db
      .updateTable('posts')
      .set({ publish_at: sql<Date>`now() - make_interval(secs => ${secondsAgo})` })
      .where('id', '=', postId)
      .execute();
  const pass = (batchSize?: number) =>
    publishDuePosts({
      db: p.testDb.db,
      storage: p.services.storage,
      revisionsKept: p.config.revisionsKept,
      batchSize,
    });
  const postRow = (id: number) =>
    p.testDb.db
      .selectFrom('posts')
      .select(['is_published', 'published_at', 'publish_at', 'updated_at'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();

  beforeAll(async () => {
    p = await openProcedures();
    author = await p.user();
    reader = await p.user();
  });
  afterAll(async () => {
    await p?.close();
  });

  it('a post with a future publish_at is a draft until then, shown to its author as scheduled', async () => {
    const at = new Date(Date.now() + HOUR);
    const post = await p.as(author).posts.create({ title: 'Monday 9:00', publish_at: at });
    expect(post).toMatchObject({ is_published: false, published_at: null, publish_at: at });
    const mine = await p.as(author).posts.list({ scheduled: true });
    expect(mine.results.map((r) => r.slug)).toContain(post.slug);
    expect((await p.as(author).posts.list({ scheduled: false })).results.map((r) => r.slug)).not.toContain(
      post.slug,
    );
    expect((await p.as(reader).posts.list({})).results.map((r) => r.slug)).not.toContain(post.slug);
    expect(await fieldsOf(() => p.as(reader).posts.get({ slug: post.slug }))).toBe('NOT_FOUND');
  });

  it('refuses past, unreadable, too distant and contradictory schedules with 400 on publish_at', async () => {
    const future = new Date(Date.now() + HOUR);
    const cases: Array<[string, () => Promise<unknown>]> = [
      ['past', () => p.as(author).posts.create({ title: 'x', publish_at: new Date(Date.now() - 1000) })],
      [
        'published and scheduled',
        () => p.as(author).posts.create({ title: 'x', is_published: true, publish_at: future }),
      ],
      [
        'eleven years ahead',
        () =>
          p.as(author).posts.create({ title: 'x', publish_at: new Date(Date.now() + 11 * 365 * 86_400_000) }),
      ],
      // REST sends text: the typed door's cast hides that the schema reads it too.
      [
        'not a time',
        () => p.as(author).posts.create({ title: 'x', publish_at: 'tomorrow' as unknown as Date }),
      ],
      [
        'no time zone',
        () => p.as(author).posts.create({ title: 'x', publish_at: '2030-01-01T09:00:00' as unknown as Date }),
      ],
    ];
    for (const [name, call] of cases) {
      const result = await fieldsOf(call);
      expect(Object.keys(typeof result === 'string' ? {} : result), name).toEqual(['publish_at']);
    }
    const asText = await p
      .as(author)
      .posts.create({ title: 'Text time', publish_at: '2030-01-01T09:00:00+02:00' as unknown as Date });
    expect(asText.publish_at).toEqual(new Date('2030-01-01T07:00:00Z'));
  });

  it('updates: schedule a draft, never a live post by surprise; null cancels; publishing now voids the schedule', async () => {
    const at = new Date(Date.now() + 2 * HOUR);
    const draft = await p.as(author).posts.create({ title: 'Draft' });
    expect(await p.as(author).posts.update({ slug: draft.slug, publish_at: at })).toMatchObject({
      is_published: false,
      publish_at: at,
    });
    expect(await p.as(author).posts.update({ slug: draft.slug, publish_at: null })).toMatchObject({
      is_published: false,
      publish_at: null,
    });
    await p.as(author).posts.update({ slug: draft.slug, publish_at: at });
    const now = await p.as(author).posts.update({ slug: draft.slug, is_published: true });
    expect(now).toMatchObject({ is_published: true, publish_at: null });
    expect(now.published_at).toBeInstanceOf(Date);

    // A live post: scheduling alone would take it offline, so the request must say so.
    expect(
      Object.keys(await fieldsOf(() => p.as(author).posts.update({ slug: draft.slug, publish_at: at }))),
    ).toEqual(['publish_at']);
    expect((await p.as(author).posts.get({ slug: draft.slug })).is_published).toBe(true);
    const retimed = await p
      .as(author)
      .posts.update({ slug: draft.slug, is_published: false, publish_at: at });
    expect(retimed).toMatchObject({ is_published: false, publish_at: at, published_at: now.published_at });

    // The trash drops the schedule: a restored post comes back as a plain draft.
    await p.as(author).posts.delete({ slug: draft.slug });
    const back = await p.as(author).posts.restore({ slug: draft.slug });
    expect(back).toMatchObject({ is_published: false, publish_at: null });
  });

  it('a pass publishes what is due with published_at = the scheduled time, once, as a revision, moving the content version', async () => {
    const cache = new ContentCache(p.testDb.db, 100);
    const listPublished = () =>
      cache.through('published-list', async () =>
        (await p.testDb.db.selectFrom('posts').select('slug').where('is_published', '=', true).execute()).map(
          (r) => r.slug,
        ),
      );
    const post = await p
      .as(author)
      .posts.create({ title: 'Due soon', publish_at: new Date(Date.now() + HOUR) });
    const notYet = await p
      .as(author)
      .posts.create({ title: 'Not yet', publish_at: new Date(Date.now() + HOUR) });
    expect(await listPublished()).not.toContain(post.slug);
    await makeDue(post.id, 3);
    const scheduledFor = (await postRow(post.id)).publish_at;
    const version = async () =>
      (await p.testDb.db.selectFrom('content_version').select('version').executeTakeFirstOrThrow()).version;
    const before = await version();

    expect(await pass()).toEqual([post.id]);
    const row = await postRow(post.id);
    expect(row).toMatchObject({ is_published: true, publish_at: null, published_at: scheduledFor });
    expect(await version()).toBe(before + 1);
    expect(await listPublished(), 'the cache sees the publication at once').toContain(post.slug);
    expect((await p.as(reader).posts.get({ slug: post.slug })).is_published).toBe(true);
    expect((await postRow(notYet.id)).is_published).toBe(false);

    const revisions = await p.as(author).posts.revisions.list({ slug: post.slug });
    expect(revisions.results.map((r) => [r.kind, r.is_published, r.created_by])).toEqual([
      ['publish', true, null],
      ['create', false, { id: author.id, username: author.username, slug: author.slug }],
    ]);
    expect(await pass(), 'nothing twice').toEqual([]);
    expect(await version()).toBe(before + 1);
  });

  it('keeps the first publication date, skips trashed posts, and works through batches', async () => {
    const again = await p.as(author).posts.create({ title: 'Once live', is_published: true });
    const firstPublished = again.published_at;
    await p.as(author).posts.update({
      slug: again.slug,
      is_published: false,
      publish_at: new Date(Date.now() + HOUR),
    });
    await makeDue(again.id);

    const trashed = await p
      .as(author)
      .posts.create({ title: 'Trashed', publish_at: new Date(Date.now() + HOUR) });
    await p.testDb.db
      .updateTable('posts')
      .set({ is_deleted: true, publish_at: sql<Date>`now() - interval '1 second'` })
      .where('id', '=', trashed.id)
      .execute();

    const many: number[] = [];
    for (let i = 0; i < 7; i++) {
      const post = await p
        .as(author)
        .posts.create({ title: `Batch ${i}`, publish_at: new Date(Date.now() + HOUR) });
      await makeDue(post.id);
      many.push(post.id);
    }
    const published = await pass(3);
    expect([...published].sort((a, b) => a - b)).toEqual([again.id, ...many].sort((a, b) => a - b));
    expect((await postRow(again.id)).published_at).toEqual(firstPublished);
    expect((await postRow(trashed.id)).is_published).toBe(false);
  });
});

describe.runIf(onPostgres)('scheduled publishing with several schedulers on PostgreSQL', () => {
  let p: Procedures;
  const extra: Array<ReturnType<typeof createDb>> = [];
  beforeAll(async () => {
    p = await openProcedures();
  });
  afterAll(async () => {
    for (const handle of extra) await handle.db.destroy();
    await p?.close();
  });

  it('publishes each due post exactly once whoever races, and skips what a transaction holds until it ends', async () => {
    const author = await p.user();
    const ids: number[] = [];
    for (let i = 0; i < 40; i++) {
      const post = await p
        .as(author)
        .posts.create({ title: `Race ${i}`, publish_at: new Date(Date.now() + HOUR) });
      ids.push(post.id);
    }
    await p.testDb.db
      .updateTable('posts')
      .set({ publish_at: sql<Date>`now() - interval '1 second'` })
      .where('id', 'in', ids)
      .execute();

    // An editor's (or a dying process's) transaction holds one due post.
    const held = ids[0] ?? 0;
    const holder = createDb({ databaseUrl: p.testDb.databaseUrl, poolSize: 1 });
    extra.push(holder);
    let release: () => void = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    let locked: () => void = () => {};
    const isLocked = new Promise<void>((resolve) => {
      locked = resolve;
    });
    const holding = holder.db
      .transaction()
      .execute(async (tx) => {
        await tx.selectFrom('posts').select('id').where('id', '=', held).forUpdate().execute();
        locked();
        await released;
        throw new Error('the holder dies: its transaction rolls back');
      })
      .catch(() => undefined);
    await isLocked;

    // Four schedulers, each with its own connections, racing in small batches.
    const schedulers = Array.from({ length: 4 }, () => {
      const handle = createDb({ databaseUrl: p.testDb.databaseUrl, poolSize: 2 });
      extra.push(handle);
      return handle.db;
    });
    const results = await Promise.all(
      schedulers.map((db) =>
        publishDuePosts({ db, storage: p.services.storage, revisionsKept: 50, batchSize: 3 }),
      ),
    );
    const published = results.flat();
    expect(new Set(published).size, 'no post published twice').toBe(published.length);
    expect([...published].sort((a, b) => a - b)).toEqual(ids.filter((id) => id !== held));

    release();
    await holding;
    expect(
      await publishDuePosts({
        db: schedulers[0] ?? p.testDb.db,
        storage: p.services.storage,
        revisionsKept: 50,
      }),
    ).toEqual([held]);
    const counts = await p.testDb.db
      .selectFrom('post_revisions')
      .select(['post_id', sql<number>`count(*)::int`.as('n')])
      .where('kind', '=', 'publish')
      .where('post_id', 'in', ids)
      .groupBy('post_id')
      .execute();
    expect(counts).toHaveLength(ids.length);
    expect(counts.every((row) => row.n === 1)).toBe(true);
  });
});
