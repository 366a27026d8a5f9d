import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestApp, insertUser, type TestApp } from '../helpers.ts';

type User = Awaited<ReturnType<typeof insertUser>>;
type Json = Record<string, unknown>;
interface PageBody {
  count: number;
  next: string | null;
  previous: string | null;
  results: Array<Json & { slug: string; title: string }>;
}

describe('post list: filters, search, ordering, pagination', () => {
  let t: TestApp;
  let staff: User;
  let alice: User;
  let bob: User;
  const slug: Record<'p1' | 'p2' | 'p3' | 'p4', string> = { p1: '', p2: '', p3: '', p4: '' };

  const get = async (url: string, user: User) => {
    const res = await t.app.inject({ url, headers: bearer(user.token) });
    return res;
  };
  const list = async (query: string, user: User): Promise<PageBody> => {
    const res = await get(`/api/posts/?${query}`, user);
    expect(res.statusCode, `${query}: ${res.body}`).toBe(200);
    return res.json() as PageBody;
  };
  const titles = async (query: string, user: User) => (await list(query, user)).results.map((p) => p.title);

  beforeAll(async () => {
    t = await createTestApp();
    staff = await insertUser(t.testDb, { is_staff: true });
    alice = await insertUser(t.testDb);
    bob = await insertUser(t.testDb);
    const category = async (name: string) => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/categories/',
        headers: bearer(staff.token),
        payload: { name },
      });
      expect(res.statusCode, res.body).toBe(201);
      return res.json() as { id: number; slug: string };
    };
    const tech = await category('Tech');
    const life = await category('Life');
    const post = async (user: User, fields: Json) => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/posts/',
        headers: bearer(user.token),
        payload: fields,
      });
      expect(res.statusCode, res.body).toBe(201);
      return res.json().slug as string;
    };
    slug.p1 = await post(alice, {
      title: 'Alpha rockets',
      body: '<p>About engines and fuel.</p>',
      tags: ['Space', 'Tech'],
      categories: [tech.id],
      is_published: true,
    });
    slug.p2 = await post(bob, {
      title: 'Beta gardens',
      body: '<p>Some rockets in the body only.</p>',
      tags: ['garden'],
      categories: [life.id],
      is_published: true,
    });
    slug.p3 = await post(alice, {
      title: 'Gamma rockets draft',
      body: '<p>draft</p>',
      categories: [tech.id],
    });
    slug.p4 = await post(bob, { title: 'Delta hidden draft', body: '<p>rockets</p>', tags: ['Tech'] });
  });
  afterAll(async () => {
    await t.close();
  });

  it('lists newest first, without bodies; non-staff see published posts and their own drafts', async () => {
    const page = await list('', alice);
    expect(page.results.map((p) => p.title)).toEqual([
      'Gamma rockets draft',
      'Beta gardens',
      'Alpha rockets',
    ]);
    expect(page.count).toBe(3);
    expect(page.results[0]).not.toHaveProperty('body');
    expect(page.results[0]).toMatchObject({ excerpt: 'draft', author: { id: alice.id, slug: alice.slug } });
    expect(await titles('', bob)).toEqual(['Delta hidden draft', 'Beta gardens', 'Alpha rockets']);
    expect((await list('', staff)).count).toBe(4);
  });

  it('filters by is_published (true/false/1/0, anything else 400)', async () => {
    expect(await titles('is_published=true', alice)).toEqual(['Beta gardens', 'Alpha rockets']);
    expect(await titles('is_published=1', alice)).toEqual(['Beta gardens', 'Alpha rockets']);
    expect(await titles('is_published=false', alice)).toEqual(['Gamma rockets draft']);
    expect(await titles('is_published=0', staff)).toEqual(['Delta hidden draft', 'Gamma rockets draft']);
    const bad = await get('/api/posts/?is_published=maybe', alice);
    expect(bad.statusCode).toBe(400);
    expect(Object.keys(bad.json())).toEqual(['is_published']);
  });

  it('filters by category slug, author slug and tag (case-insensitive)', async () => {
    expect(await titles('categories=tech', alice)).toEqual(['Gamma rockets draft', 'Alpha rockets']);
    expect(await titles('categories=tech', bob)).toEqual(['Alpha rockets']);
    expect(await titles('categories=life', bob)).toEqual(['Beta gardens']);
    expect(await titles('categories=nope', bob)).toEqual([]);
    expect(await titles(`author=${bob.slug}`, alice)).toEqual(['Beta gardens']);
    expect(await titles(`author=${bob.slug}`, staff)).toEqual(['Delta hidden draft', 'Beta gardens']);
    expect(await titles('tag=TECH', alice)).toEqual(['Alpha rockets']);
    expect(await titles('tag=tech', staff)).toEqual(['Delta hidden draft', 'Alpha rockets']);
    expect(await titles('tag=tec', staff)).toEqual([]);
    expect(await titles(`tag=space&author=${alice.slug}&categories=tech&is_published=true`, bob)).toEqual([
      'Alpha rockets',
    ]);
  });

  it('searches title and body text, ranking a title hit above a body-only hit', async () => {
    const ranked = await titles('search=rockets', alice);
    expect(ranked).toHaveLength(3);
    expect(ranked[2]).toBe('Beta gardens');
    expect(ranked.slice(0, 2).sort()).toEqual(['Alpha rockets', 'Gamma rockets draft']);
    // One title hit, one body-only hit, each with a single occurrence: the title wins whatever the age.
    expect(await titles('search=rockets&is_published=true', bob)).toEqual(['Alpha rockets', 'Beta gardens']);
    expect(await titles('search=engines', alice)).toEqual(['Alpha rockets']);
    expect(await titles('search=rocket', bob)).toEqual([
      'Alpha rockets',
      'Delta hidden draft',
      'Beta gardens',
    ]);
    expect(await titles('search=%22body%20only%22', alice)).toEqual(['Beta gardens']);
    expect(await titles('search=rockets%20-gardens', bob)).toEqual(['Alpha rockets', 'Delta hidden draft']);
    // An explicit ordering replaces the rank.
    expect(await titles('search=rockets&ordering=-title', alice)).toEqual([
      'Gamma rockets draft',
      'Beta gardens',
      'Alpha rockets',
    ]);
    // A title hit beats a newer body that repeats the word: the title decides before the rank does.
    const older = await t.app.inject({
      method: 'POST',
      url: '/api/posts/',
      headers: bearer(alice.token),
      payload: { title: 'Quasar notes', body: '<p>nothing else</p>', is_published: true },
    });
    const newer = await t.app.inject({
      method: 'POST',
      url: '/api/posts/',
      headers: bearer(alice.token),
      payload: { title: 'Other', body: `<p>${'quasar '.repeat(30)}</p>`, is_published: true },
    });
    expect(await titles('search=quasar', bob)).toEqual(['Quasar notes', 'Other']);
    for (const res of [older, newer]) {
      const removed = await t.app.inject({
        method: 'DELETE',
        url: `/api/posts/${res.json().slug}/`,
        headers: bearer(alice.token),
      });
      expect(removed.statusCode).toBe(204);
    }
    const none = await list('search=zeppelin', alice);
    expect(none).toEqual({ count: 0, next: null, previous: null, next_cursor: null, results: [] });
  });

  it('orders by title, created_at and published_at (drafts last); any other ordering is 400', async () => {
    expect(await titles('ordering=title', alice)).toEqual([
      'Alpha rockets',
      'Beta gardens',
      'Gamma rockets draft',
    ]);
    expect(await titles('ordering=-title', alice)).toEqual([
      'Gamma rockets draft',
      'Beta gardens',
      'Alpha rockets',
    ]);
    expect(await titles('ordering=created_at', alice)).toEqual([
      'Alpha rockets',
      'Beta gardens',
      'Gamma rockets draft',
    ]);
    expect(await titles('ordering=published_at', alice)).toEqual([
      'Alpha rockets',
      'Beta gardens',
      'Gamma rockets draft',
    ]);
    expect(await titles('ordering=-published_at', alice)).toEqual([
      'Beta gardens',
      'Alpha rockets',
      'Gamma rockets draft',
    ]);
    const bad = await get('/api/posts/?ordering=body', alice);
    expect(bad.statusCode).toBe(400);
    expect(Object.keys(bad.json())).toEqual(['ordering']);
  });

  it('paginates with absolute next/previous URLs that keep the filters; bad or past-the-end pages are 404', async () => {
    const first = await list('page_size=1&search=rockets&ordering=title', alice);
    expect(first.count).toBe(3);
    expect(first.results.map((p) => p.title)).toEqual(['Alpha rockets']);
    expect(first.previous).toBeNull();
    expect(first.next).toMatch(/^http:\/\/[^/]+\/api\/posts\/\?/);
    const next = new URL(first.next ?? '');
    expect(Object.fromEntries(next.searchParams)).toEqual({
      page: '2',
      page_size: '1',
      search: 'rockets',
      ordering: 'title',
    });
    const second = await list(next.search.slice(1), alice);
    expect(second.results.map((p) => p.title)).toEqual(['Beta gardens']);
    expect(Object.fromEntries(new URL(second.previous ?? '').searchParams)).toEqual({
      page_size: '1',
      search: 'rockets',
      ordering: 'title',
    });
    const last = await list('page=3&page_size=1&search=rockets&ordering=title', alice);
    expect(last.next).toBeNull();
    for (const query of ['page=4&page_size=1', 'page=0', 'page=abc', 'page=-1', 'page=2']) {
      const res = await get(`/api/posts/?${query}`, alice);
      expect(res.statusCode, query).toBe(404);
      expect(res.json(), query).toEqual({ detail: expect.any(String), code: 'NOT_FOUND' });
    }
    expect((await list('page_size=abc', alice)).results).toHaveLength(3);
  });
});

describe('post list: a constant number of SQL statements whatever the page size', () => {
  let t: TestApp;
  let member: User;
  let staff: User;

  beforeAll(async () => {
    t = await createTestApp();
    member = await insertUser(t.testDb);
    staff = await insertUser(t.testDb, { is_staff: true });
    const authors = [member, staff, await insertUser(t.testDb), await insertUser(t.testDb)];
    const categories = await t.testDb.db
      .insertInto('categories')
      .values(['One', 'Two', 'Three'].map((name) => ({ name, slug: name.toLowerCase() })))
      .returning('id')
      .execute();
    const posts = await t.testDb.db
      .insertInto('posts')
      .values(
        Array.from({ length: 130 }, (_, i) => ({
          author_id: (authors[i % authors.length] as User).id,
          title: `Post number ${i} about rockets`,
          slug: `post-${i}-${randomBytes(3).toString('hex')}`,
          body: `<p>Body ${i} with rockets</p>`,
          excerpt: `Body ${i} with rockets`,
          tags: ['bulk', `t${i % 5}`],
          is_published: i % 7 !== 0,
          published_at: i % 7 !== 0 ? new Date(Date.UTC(2026, 0, 1, 0, i)) : null,
        })),
      )
      .returning('id')
      .execute();
    await t.testDb.db
      .insertInto('post_categories')
      .values(
        posts.flatMap((p, i) =>
          categories.slice(0, (i % 3) + 1).map((c) => ({ post_id: p.id, category_id: c.id })),
        ),
      )
      .execute();
  });
  afterAll(async () => {
    await t.close();
  });

  const statementsFor = async (url: string, user: User) => {
    t.testDb.queries.length = 0;
    const res = await t.app.inject({ url, headers: bearer(user.token) });
    expect(res.statusCode, res.body).toBe(200);
    const statements = [...t.testDb.queries];
    return { body: res.json() as PageBody, statements };
  };

  it('runs the same statements for page_size=1 and page_size=100, with authors and categories filled in', async () => {
    for (const [query, user] of [
      ['', member],
      ['', staff],
      ['search=rockets&tag=bulk&categories=one&is_published=true', member],
      [`author=${member.slug}&ordering=-published_at`, member],
    ] as const) {
      const small = await statementsFor(`/api/posts/?page_size=1&${query}`, user);
      const large = await statementsFor(`/api/posts/?page_size=100&${query}`, user);
      expect(small.body.results).toHaveLength(1);
      expect(large.body.results.length).toBeGreaterThan(30);
      expect(
        large.statements.length,
        `${query}\n${small.statements.join('\n')}\n---\n${large.statements.join('\n')}`,
      ).toBe(small.statements.length);
      // Context (token user, settings), the content version (content cache), the count and the page.
      expect(large.statements.length, large.statements.join('\n')).toBeLessThanOrEqual(5);
      for (const post of large.body.results) {
        expect(post.author).toMatchObject({ id: expect.any(Number), username: expect.any(String) });
        expect((post.categories as unknown[]).length).toBeGreaterThan(0);
      }
    }
  });

  it('caps page_size at 100', async () => {
    const { body } = await statementsFor('/api/posts/?page_size=1000', staff);
    expect(body.count).toBe(130);
    expect(body.results).toHaveLength(100);
    expect(new URL(body.next ?? '').searchParams.get('page_size')).toBe('1000');
  });
});
