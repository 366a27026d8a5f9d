/**
 * Keyset pagination of the post list (`cursor` in, `next_cursor` out), on both doors: walking a list by
 * cursor gives exactly the rows and order of the page-number walk for every ordering (ties on the sort
 * value included, down to microseconds), stays stable while posts are added, costs the same statements
 * as a numbered page, and refuses a bad cursor with a 400 on `cursor`.
 */
import { createLecternClient } from '@lectern/sdk';
import { QueryClient } from '@tanstack/react-query';
import { createTRPCClient } from '@trpc/client';
import { createTRPCOptionsProxy } from '@trpc/tanstack-react-query';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestApp, insertUser, type TestApp } from '../helpers.ts';

type User = Awaited<ReturnType<typeof insertUser>>;
interface PageBody {
  count: number;
  next: string | null;
  previous: string | null;
  next_cursor: string | null;
  results: Array<{ slug: string; title: string }>;
}

const ORDERINGS = ['created_at', '-created_at', 'title', '-title', 'published_at', '-published_at'];

describe('post list: keyset pagination', () => {
  let t: TestApp;
  let staff: User;
  let alice: User;
  let url: string;
  let serial = 0;

  const list = async (query: string, user: User): Promise<PageBody> => {
    const res = await t.app.inject({ url: `/api/posts/?${query}`, headers: bearer(user.token) });
    expect(res.statusCode, `${query}: ${res.body}`).toBe(200);
    return res.json() as PageBody;
  };

  /** Inserts posts directly, so that sort values can collide exactly (same microsecond, same title). */
  const insertPosts = async (
    rows: Array<{ title: string; body?: string; created: string; published?: string | null; author?: User }>,
  ) => {
    for (const row of rows) {
      serial += 1;
      await t.testDb.db
        .insertInto('posts')
        .values({
          author_id: (row.author ?? alice).id,
          title: row.title,
          slug: `cursor-${serial}-${Math.random().toString(36).slice(2, 8)}`,
          body: row.body ?? '<p>words</p>',
          excerpt: 'words',
          is_published: row.published !== null && row.published !== undefined,
          published_at: row.published ? sql<Date>`${row.published}::timestamptz` : null,
          created_at: sql<Date>`${row.created}::timestamptz`,
        })
        .execute();
    }
  };

  /** Every slug of a list, by following `next_cursor` with small pages. */
  const walk = async (query: string, user: User, pageSize: number, from?: string | null) => {
    const slugs: string[] = [];
    const start = from ? `&cursor=${encodeURIComponent(from)}` : '';
    let page = await list(`${query}&page_size=${pageSize}${start}`, user);
    slugs.push(...page.results.map((p) => p.slug));
    for (let guard = 0; page.next_cursor !== null && guard < 200; guard++) {
      const cursor = encodeURIComponent(page.next_cursor);
      page = await list(`${query}&page_size=${pageSize}&cursor=${cursor}`, user);
      expect(page.previous).toBeNull();
      slugs.push(...page.results.map((p) => p.slug));
    }
    expect(page.next).toBeNull();
    return slugs;
  };

  beforeAll(async () => {
    t = await createTestApp();
    staff = await insertUser(t.testDb, { is_staff: true });
    alice = await insertUser(t.testDb);
    const bob = await insertUser(t.testDb);
    // Ties everywhere: three posts in the same microsecond, two a microsecond apart, repeated titles,
    // equal publication dates, drafts (no date) that sort last both ways, another author's drafts.
    const same = '2026-01-01 10:00:00.123456+00';
    await insertPosts([
      { title: 'Same title', created: same, published: '2026-02-01 00:00:00+00' },
      { title: 'Same title', created: same, published: '2026-02-01 00:00:00+00' },
      { title: 'Same title', created: same, published: null },
      { title: 'Apple', created: '2026-01-01 10:00:00.123457+00', published: '2026-02-02 00:00:00+00' },
      { title: 'Zebra', created: '2026-01-01 10:00:00.123455+00', published: null },
      {
        title: 'Rocket launch',
        body: '<p>rocket rocket</p>',
        created: '2026-01-03 00:00:00+00',
        published: '2026-02-03 00:00:00+00',
      },
      {
        title: 'Garden',
        body: '<p>a rocket in the body</p>',
        created: '2026-01-04 00:00:00+00',
        published: '2026-02-03 00:00:00+00',
      },
      {
        title: 'Garden',
        body: '<p>a rocket in the body</p>',
        created: '2026-01-04 00:00:00+00',
        published: '2026-02-04 00:00:00+00',
      },
      { title: 'Bob draft', created: '2026-01-05 00:00:00+00', published: null, author: bob },
      {
        title: 'Bob rocket',
        body: '<p>rocket</p>',
        created: '2026-01-06 00:00:00+00',
        published: '2026-02-05 00:00:00+00',
        author: bob,
      },
    ]);
    for (let i = 0; i < 14; i++) {
      await insertPosts([
        {
          title: `Filler ${String(i % 5)}`,
          body: i % 3 === 0 ? '<p>rocket science</p>' : '<p>plain</p>',
          created: `2026-01-0${String(1 + (i % 7))} 12:00:00.${String(100000 + (i % 4))}+00`,
          published: i % 4 === 0 ? null : `2026-03-0${String(1 + (i % 3))} 00:00:00+00`,
        },
      ]);
    }
    url = await t.app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('walks every ordering by cursor in exactly the page-number order, for staff and for an author', async () => {
    for (const user of [staff, alice]) {
      for (const ordering of ORDERINGS) {
        const all = (await list(`ordering=${ordering}&page_size=100`, user)).results.map((p) => p.slug);
        const walked = await walk(`ordering=${ordering}`, user, 3);
        expect(walked, ordering).toEqual(all);
        expect(new Set(walked).size).toBe(walked.length);
      }
      // The default orders: newest first, and by rank (title hits first) while searching.
      expect(await walk('x=1', user, 4)).toEqual(
        (await list('page_size=100', user)).results.map((p) => p.slug),
      );
      const ranked = (await list('search=rocket&page_size=100', user)).results.map((p) => p.slug);
      expect(ranked.length).toBeGreaterThan(5);
      expect(await walk('search=rocket', user, 2)).toEqual(ranked);
    }
    // Filters carry: published only, a content-less author filter.
    const published = (await list('is_published=true&ordering=title&page_size=100', alice)).results;
    expect(await walk('is_published=true&ordering=title', alice, 5)).toEqual(published.map((p) => p.slug));
    // The publication-date orders with a published/draft filter (the undated branch is skipped or
    // narrowed to the viewer's own drafts), for staff and for an author.
    for (const user of [staff, alice]) {
      for (const query of [
        'is_published=true&ordering=-published_at',
        'is_published=true&ordering=published_at',
        'is_published=false&ordering=-published_at',
        'is_published=false&ordering=published_at',
      ]) {
        const all = (await list(`${query}&page_size=100`, user)).results.map((p) => p.slug);
        expect(all.length, query).toBeGreaterThan(2);
        expect(await walk(query, user, 2), query).toEqual(all);
      }
    }
    // An author never walks into someone else's drafts.
    const aliceView = await walk('ordering=-published_at', alice, 2);
    const bobDraft = (await list('ordering=title&page_size=100', staff)).results.find(
      (p) => p.title === 'Bob draft',
    );
    expect(bobDraft).toBeDefined();
    expect(aliceView).not.toContain(bobDraft?.slug);
  });

  it('gives next links that carry the cursor and the filters, and a next_cursor on numbered pages too', async () => {
    const first = await list('ordering=title&page_size=4', staff);
    expect(first.next).toContain('page=2');
    expect(first.next_cursor).toEqual(expect.any(String));
    const byCursor = await list(
      `ordering=title&page_size=4&cursor=${encodeURIComponent(first.next_cursor ?? '')}`,
      staff,
    );
    const byPage = await list('ordering=title&page_size=4&page=2', staff);
    expect(byCursor.results).toEqual(byPage.results);
    expect(byCursor.count).toBe(first.count);
    const next = new URL(byCursor.next ?? '');
    expect(next.searchParams.get('ordering')).toBe('title');
    expect(next.searchParams.get('cursor')).toBe(byCursor.next_cursor);
    expect(next.searchParams.get('page')).toBeNull();
    const followed = await list(next.search.slice(1), staff);
    expect(followed.results).toEqual((await list('ordering=title&page_size=4&page=3', staff)).results);
    const last = await list(`page_size=100`, staff);
    expect(last.next_cursor).toBeNull();
  });

  it('is stable while posts are added: the rows after a cursor do not shift', async () => {
    const first = await list('page_size=5', staff);
    const before = await walk('x=1', staff, 5, first.next_cursor);
    // Newer posts go before the cursor; numbered pages would shift by that many rows.
    await insertPosts([
      { title: 'Late one', created: '2027-01-01 00:00:00+00', published: null },
      { title: 'Late two', created: '2027-01-02 00:00:00+00', published: null },
    ]);
    const after = await walk('x=1', staff, 5, first.next_cursor);
    expect(after).toEqual(before);
    const shifted = (await list('page_size=5&page=2', staff)).results.map((p) => p.slug);
    expect(shifted).not.toEqual(before.slice(0, 5));
    // The walk keeps the count it started with (carried by the cursor, not counted again); a page
    // without a cursor counts afresh.
    const continued = await list(`page_size=5&cursor=${encodeURIComponent(first.next_cursor ?? '')}`, staff);
    expect(continued.count).toBe(first.count);
    expect((await list('page_size=5', staff)).count).toBe(first.count + 2);
    // A cursor issued before counts were carried (no `c`) is still honoured, and counts.
    const key = JSON.parse(Buffer.from(first.next_cursor ?? '', 'base64url').toString());
    const legacy = Buffer.from(JSON.stringify({ o: key.o, k: key.k })).toString('base64url');
    const fromLegacy = await list(`page_size=5&cursor=${legacy}`, staff);
    expect(fromLegacy.results).toEqual(continued.results);
    expect(fromLegacy.count).toBe(first.count + 2);
  });

  it('refuses a bad cursor with a 400 on `cursor`, never a 500', async () => {
    const good = (await list('ordering=title&page_size=2', staff)).next_cursor ?? '';
    const forge = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const bad = [
      'not a cursor',
      'AAAA',
      forge({ o: 'title', k: ['x', 'not-an-id'] }),
      forge({ o: 'title', k: ['x'] }),
      forge({ o: '-created_at', k: ["2026-01-01T00:00:00'; drop table posts; --", 1] }),
      forge({ o: 'rank', k: [true, 'NaN', '2026-01-01T00:00:00+00:00', 1] }),
      forge({ o: 'nope', k: [] }),
      forge({ o: 'title', k: ['x', 1], c: -1 }),
      forge({ o: 'title', k: ['x', 1], c: 'many' }),
      forge({ o: 'title', k: ['x', 1], c: 2 ** 40 }),
      `${'A'.repeat(2001)}`,
    ];
    for (const cursor of bad) {
      const res = await t.app.inject({
        url: `/api/posts/?ordering=title&cursor=${encodeURIComponent(cursor)}`,
        headers: bearer(staff.token),
      });
      expect(res.statusCode, cursor).toBe(400);
      expect(Object.keys(res.json())).toEqual(['cursor']);
    }
    // A cursor of another ordering, and a cursor with a page number.
    const other = await t.app.inject({
      url: `/api/posts/?ordering=-title&cursor=${encodeURIComponent(good)}`,
      headers: bearer(staff.token),
    });
    expect(other.statusCode).toBe(400);
    expect(other.json().cursor[0]).toMatch(/another order/);
    const both = await t.app.inject({
      url: `/api/posts/?ordering=title&page=2&cursor=${encodeURIComponent(good)}`,
      headers: bearer(staff.token),
    });
    expect(both.statusCode).toBe(400);
    expect(both.json().cursor[0]).toMatch(/either page or cursor/);
  });

  it('costs the same statements as a numbered page, without counting again', async () => {
    const statements = async (query: string) => {
      t.testDb.queries.length = 0;
      const res = await t.app.inject({ url: `/api/posts/?${query}`, headers: bearer(alice.token) });
      expect(res.statusCode, res.body).toBe(200);
      return { body: res.json() as PageBody, statements: [...t.testDb.queries] };
    };
    const first = await statements('page_size=6&ordering=-published_at');
    const paged = await statements('page_size=6&ordering=-published_at&page=2');
    const keyed = await statements(
      `page_size=6&ordering=-published_at&cursor=${encodeURIComponent(first.body.next_cursor ?? '')}`,
    );
    expect(keyed.body.results).toEqual(paged.body.results);
    expect(keyed.body.count).toBe(paged.body.count);
    expect(keyed.statements.length, keyed.statements.join('\n')).toBe(paged.statements.length);
    expect(keyed.statements.length).toBeLessThanOrEqual(5);
    // The count rides in the page's statement on a numbered page and is not run after a cursor.
    const counting = (list: string[]) => list.filter((statement) => /count\(\*\)/.test(statement)).length;
    expect(counting(paged.statements), paged.statements.join('\n')).toBe(1);
    expect(counting(keyed.statements), keyed.statements.join('\n')).toBe(0);
  });

  it('works as an infinite query on the typed door (tRPC cursor convention)', async () => {
    const client = createLecternClient({ url });
    await client.auth.setTokens({ access: staff.token, refresh: 'unused' });
    const direct = await client.posts.list.query({ page_size: 4, ordering: 'title' });
    expect(direct.next_cursor).toEqual(expect.any(String));
    const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    const trpc = createTRPCOptionsProxy({ client: createTRPCClient({ links: client.links }), queryClient });
    const options = trpc.posts.list.infiniteQueryOptions(
      { page_size: 4, ordering: 'title' },
      { getNextPageParam: (page) => page.next_cursor },
    );
    let data = await queryClient.fetchInfiniteQuery(options);
    for (let i = 0; i < 2; i++) {
      data = await queryClient.fetchInfiniteQuery({ ...options, pages: data.pages.length + 1 });
    }
    const slugs = data.pages.flatMap((page) => page.results.map((p) => p.slug));
    const expected = (await list('ordering=title&page_size=12', staff)).results.map((p) => p.slug);
    expect(slugs).toEqual(expected);
  });
});
