import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestApp, insertUser, type TestApp } from '../helpers.ts';

type User = Awaited<ReturnType<typeof insertUser>>;
type Json = Record<string, unknown>;

const POST_KEYS = [
  'author',
  'body',
  'categories',
  'created_at',
  'excerpt',
  'id',
  'is_published',
  'publish_at',
  'published_at',
  'slug',
  'tags',
  'thumbnail',
  'title',
  'updated_at',
  'variants',
];

describe('posts: create, read, update, visibility and permissions', () => {
  let t: TestApp;
  let staff: User;
  let alice: User;
  let bob: User;
  let categoryId: number;

  const call = (
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    url: string,
    user?: User,
    payload?: unknown,
  ) =>
    t.app.inject({
      method,
      url,
      headers: user ? bearer(user.token) : {},
      ...(payload === undefined ? {} : { payload: payload as Json }),
    });

  const create = async (user: User, fields: Json) => {
    const res = await call('POST', '/api/posts/', user, fields);
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as Json & { slug: string; id: number };
  };

  beforeAll(async () => {
    // Room for a 1 MiB body inside a JSON request.
    t = await createTestApp({ BODY_LIMIT: String(3 * 1024 * 1024) });
    staff = await insertUser(t.testDb, { is_staff: true });
    alice = await insertUser(t.testDb);
    bob = await insertUser(t.testDb);
    const cat = await t.testDb.db
      .insertInto('categories')
      .values({ name: `Cat ${randomUUID()}`, slug: `cat-${randomUUID().slice(0, 8)}` })
      .returning('id')
      .executeTakeFirstOrThrow();
    categoryId = cat.id;
  });
  afterAll(async () => {
    await t.close();
  });

  it('creates a post from JSON: 201 with the full shape, sanitised body, excerpt, tags and categories', async () => {
    const res = await call('POST', '/api/posts', alice, {
      title: '  Hello World  ',
      body: '<p onclick="x()">Hello <b>there</b> &amp; welcome</p><script>alert(1)</script>',
      tags: [' News ', 'tech', 'NEWS'],
      categories: [categoryId, categoryId],
      is_published: true,
      author: 999,
      slug: 'chosen-by-client',
    });
    expect(res.statusCode, res.body).toBe(201);
    const post = res.json();
    expect(Object.keys(post).sort()).toEqual(POST_KEYS);
    expect(post).toMatchObject({
      title: 'Hello World',
      body: '<p>Hello <b>there</b> &amp; welcome</p>',
      excerpt: 'Hello there & welcome',
      tags: ['News', 'tech'],
      categories: [{ id: categoryId, name: expect.any(String), slug: expect.any(String) }],
      thumbnail: null,
      author: { id: alice.id, username: expect.any(String), slug: alice.slug },
      is_published: true,
    });
    expect(Object.keys(post.author).sort()).toEqual(['id', 'slug', 'username']);
    expect(post.slug).toMatch(/^hello-world-[0-9a-f]{6}$/);
    expect(new Date(post.published_at).toISOString()).toBe(post.published_at);
    expect(post.created_at).toMatch(/Z$/);
    // Nothing internal leaks.
    expect(res.body).not.toMatch(/search_vector|tag_keys|excerpt_is_custom|author_id|is_deleted|password/);
  });

  it('validates: required title, lengths, tags, unknown categories, bad booleans', async () => {
    const cases: Array<[Json, string]> = [
      [{ body: 'x' }, 'title'],
      [{ title: '   ' }, 'title'],
      [{ title: 'x'.repeat(251) }, 'title'],
      [{ title: 'ok', tags: Array.from({ length: 21 }, (_, i) => `t${i}`) }, 'tags'],
      [{ title: 'ok', tags: ['x'.repeat(51)] }, 'tags'],
      [{ title: 'ok', tags: 'news' }, 'tags'],
      [{ title: 'ok', tags: [1] }, 'tags'],
      [{ title: 'ok', categories: [categoryId, 987654] }, 'categories'],
      [{ title: 'ok', categories: ['abc'] }, 'categories'],
      [{ title: 'ok', is_published: 'true' }, 'is_published'],
      [{ title: 'ok', excerpt: 'x'.repeat(1001) }, 'excerpt'],
    ];
    for (const [payload, field] of cases) {
      const res = await call('POST', '/api/posts/', alice, payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(Object.keys(res.json()), JSON.stringify(payload)).toEqual([field]);
    }
    const unknown = await call('POST', '/api/posts/', alice, { title: 'ok', categories: [987654] });
    expect(unknown.json()).toEqual({ categories: ['Invalid pk "987654" - object does not exist.'] });
    // Nothing was written by the refused requests.
    const { count } = await t.testDb.db
      .selectFrom('posts')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('title', '=', 'ok')
      .executeTakeFirstOrThrow();
    expect(count).toBe(0);
  });

  it('accepts a body of 1 MiB of distinct words (searchable) and refuses one byte more', async () => {
    const words: string[] = [];
    let size = 0;
    for (let i = 0; size < 1024 * 1024 - 20; i++) {
      const word = `w${i.toString(36)}q `;
      words.push(word);
      size += word.length;
    }
    const body = words.join('').padEnd(1024 * 1024, 'z');
    expect(Buffer.byteLength(body)).toBe(1024 * 1024);
    const ok = await call('POST', '/api/posts/', alice, { title: 'Huge', body, is_published: true });
    expect(ok.statusCode, ok.body.slice(0, 300)).toBe(201);
    const found = await call('GET', '/api/posts/?search=w1q', alice);
    expect(found.json().results.map((p: Json) => p.slug)).toContain(ok.json().slug);
    const tooBig = await call('POST', '/api/posts/', alice, { title: 'Huge', body: `${body}x` });
    expect(tooBig.statusCode).toBe(400);
    expect(Object.keys(tooBig.json())).toEqual(['body']);
  });

  it('requires a token for every post path (401), and rejects a bad one (TOKEN_INVALID)', async () => {
    const post = await create(alice, { title: 'Public', is_published: true });
    const paths: Array<['GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', string]> = [
      ['GET', '/api/posts/'],
      ['POST', '/api/posts/'],
      ['GET', `/api/posts/${post.slug}/`],
      ['PATCH', `/api/posts/${post.slug}/`],
      ['PUT', `/api/posts/${post.slug}`],
      ['DELETE', `/api/posts/${post.slug}/`],
      ['POST', `/api/posts/${post.slug}/restore/`],
      ['GET', '/api/posts/trash/'],
    ];
    for (const [method, url] of paths) {
      const res = await t.app.inject({
        method,
        url,
        payload: method === 'GET' || method === 'DELETE' ? undefined : {},
      });
      expect(res.statusCode, `${method} ${url}`).toBe(401);
      expect(res.json(), `${method} ${url}`).toEqual({
        detail: expect.any(String),
        code: 'NOT_AUTHENTICATED',
      });
      const forged = await t.app.inject({
        method,
        url,
        headers: bearer('x.y.z'),
        payload: method === 'GET' || method === 'DELETE' ? undefined : {},
      });
      expect(forged.statusCode, `${method} ${url}`).toBe(401);
      expect(forged.json().code).toBe('TOKEN_INVALID');
    }
  });

  it('hides drafts from everyone but their author and staff (404, not in lists)', async () => {
    const draft = await create(alice, { title: `Draft ${randomUUID()}` });
    expect(draft.is_published).toBe(false);
    expect(draft.published_at).toBeNull();
    expect((await call('GET', `/api/posts/${draft.slug}/`, alice)).statusCode).toBe(200);
    expect((await call('GET', `/api/posts/${draft.slug}`, staff)).statusCode).toBe(200);
    const other = await call('GET', `/api/posts/${draft.slug}/`, bob);
    expect(other.statusCode).toBe(404);
    expect(other.json()).toEqual({ detail: expect.any(String), code: 'NOT_FOUND' });

    const listed = async (user: User) => {
      const res = await call('GET', `/api/posts/?author=${alice.slug}&page_size=100`, user);
      return (res.json().results as Json[]).map((p) => p.slug);
    };
    expect(await listed(alice)).toContain(draft.slug);
    expect(await listed(staff)).toContain(draft.slug);
    expect(await listed(bob)).not.toContain(draft.slug);
    const bobDrafts = await call('GET', '/api/posts/?is_published=false&page_size=100', bob);
    expect((bobDrafts.json().results as Json[]).every((p) => (p.author as Json).id === bob.id)).toBe(true);
  });

  it('updates: owner and staff may; another user gets 403 on a published post and 404 on a draft', async () => {
    const published = await create(alice, { title: 'Original', body: '<p>one</p>', is_published: true });
    const draft = await create(alice, { title: 'Secret draft' });

    const forbidden = await call('PATCH', `/api/posts/${published.slug}/`, bob, { title: 'Hacked' });
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.json()).toMatchObject({ code: 'PERMISSION_DENIED' });
    expect((await call('PUT', `/api/posts/${draft.slug}/`, bob, { title: 'Hacked' })).statusCode).toBe(404);
    expect((await call('PATCH', '/api/posts/no-such-post-abcdef/', alice, { title: 'x' })).statusCode).toBe(
      404,
    );

    const renamed = await call('PATCH', `/api/posts/${published.slug}/`, alice, { title: 'Renamed' });
    expect(renamed.statusCode).toBe(200);
    expect(renamed.json()).toMatchObject({ title: 'Renamed', slug: published.slug, body: '<p>one</p>' });
    const byStaff = await call('PUT', `/api/posts/${published.slug}`, staff, { body: '<p>two</p>' });
    expect(byStaff.statusCode).toBe(200);
    expect(byStaff.json()).toMatchObject({ title: 'Renamed', body: '<p>two</p>', excerpt: 'two' });
    expect((byStaff.json().author as Json).id).toBe(alice.id);
    expect(new Date(byStaff.json().updated_at).getTime()).toBeGreaterThanOrEqual(
      new Date(published.updated_at as string).getTime(),
    );

    const unchanged = await call('GET', `/api/posts/${published.slug}/`, bob);
    expect(unchanged.json().title).toBe('Renamed');
  });

  it('takes a GET body PUT back without changing anything', async () => {
    const post = await create(alice, {
      title: 'Round trip',
      body: '<p>alpha beta</p>',
      tags: ['a'],
      categories: [categoryId],
      is_published: true,
    });
    const got = (await call('GET', `/api/posts/${post.slug}/`, alice)).json();
    const put = await call('PUT', `/api/posts/${post.slug}/`, alice, got);
    expect(put.statusCode, put.body).toBe(200);
    const { updated_at: _a, ...before } = got;
    const { updated_at: _b, ...after } = put.json();
    expect(after).toEqual(before);
    // The excerpt sent back was not "set by the client": it still follows the body.
    const patched = await call('PATCH', `/api/posts/${post.slug}/`, alice, { body: '<p>gamma</p>' });
    expect(patched.json().excerpt).toBe('gamma');
  });

  it('keeps a client excerpt across body changes until another or an empty one is sent', async () => {
    const post = await create(alice, {
      title: 'Excerpts',
      body: '<p>first body</p>',
      excerpt: ' Hand written ',
    });
    expect(post.excerpt).toBe('Hand written');
    const newBody = await call('PATCH', `/api/posts/${post.slug}/`, alice, { body: '<p>second body</p>' });
    expect(newBody.json().excerpt).toBe('Hand written');
    const other = await call('PATCH', `/api/posts/${post.slug}/`, alice, { excerpt: 'Another' });
    expect(other.json().excerpt).toBe('Another');
    const cleared = await call('PATCH', `/api/posts/${post.slug}/`, alice, { excerpt: '' });
    expect(cleared.json().excerpt).toBe('second body');
    const follows = await call('PATCH', `/api/posts/${post.slug}/`, alice, { body: '<p>third</p>' });
    expect(follows.json().excerpt).toBe('third');
  });

  it('sets published_at the first time a post is published and keeps it after', async () => {
    const post = await create(alice, { title: 'Timeline' });
    const first = (await call('PATCH', `/api/posts/${post.slug}/`, alice, { is_published: true })).json();
    expect(first.published_at).toEqual(expect.any(String));
    const off = (await call('PATCH', `/api/posts/${post.slug}/`, alice, { is_published: false })).json();
    expect(off).toMatchObject({ is_published: false, published_at: first.published_at });
    const again = (await call('PATCH', `/api/posts/${post.slug}/`, alice, { is_published: true })).json();
    expect(again).toMatchObject({ is_published: true, published_at: first.published_at });
  });

  it('replaces categories and tags only when sent', async () => {
    const second = await t.testDb.db
      .insertInto('categories')
      .values({ name: `Another ${randomUUID()}`, slug: `another-${randomUUID().slice(0, 8)}` })
      .returning('id')
      .executeTakeFirstOrThrow();
    const post = await create(alice, { title: 'Cats', categories: [categoryId], tags: ['x'] });
    const title = await call('PATCH', `/api/posts/${post.slug}/`, alice, { title: 'Cats 2' });
    expect(title.json()).toMatchObject({ tags: ['x'], categories: [{ id: categoryId }] });
    const swap = await call('PATCH', `/api/posts/${post.slug}/`, alice, {
      categories: [{ id: second.id }],
      tags: [],
    });
    expect(swap.json()).toMatchObject({ tags: [], categories: [{ id: second.id }] });
    const bad = await call('PATCH', `/api/posts/${post.slug}/`, alice, { categories: [second.id, 999999] });
    expect(bad.statusCode).toBe(400);
    expect((await call('GET', `/api/posts/${post.slug}/`, alice)).json().categories).toEqual([
      expect.objectContaining({ id: second.id }),
    ]);
  });
});

describe('posts: soft delete, trash and restore', () => {
  let t: TestApp;
  let staff: User;
  let alice: User;
  let bob: User;

  const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, user?: User, payload?: Json) =>
    t.app.inject({ method, url, headers: user ? bearer(user.token) : {}, ...(payload ? { payload } : {}) });

  beforeAll(async () => {
    t = await createTestApp();
    staff = await insertUser(t.testDb, { is_staff: true });
    alice = await insertUser(t.testDb);
    bob = await insertUser(t.testDb);
  });
  afterAll(async () => {
    await t.close();
  });

  it('deletes softly: 204, then 404 and gone from lists; in the trash for staff only; restored as a draft', async () => {
    const created = await call('POST', '/api/posts/', alice, { title: 'Doomed', is_published: true });
    const slug = created.json().slug as string;

    expect((await call('DELETE', `/api/posts/${slug}/`, bob)).statusCode).toBe(403);
    const removed = await call('DELETE', `/api/posts/${slug}/`, alice);
    expect(removed.statusCode).toBe(204);
    expect(removed.body).toBe('');

    for (const user of [alice, bob, staff]) {
      expect((await call('GET', `/api/posts/${slug}/`, user)).statusCode).toBe(404);
      const list = await call('GET', '/api/posts/?page_size=100', user);
      expect((list.json().results as Json[]).map((p) => p.slug)).not.toContain(slug);
    }
    expect((await call('DELETE', `/api/posts/${slug}/`, alice)).statusCode).toBe(404);
    expect((await call('PATCH', `/api/posts/${slug}/`, alice, { title: 'x' })).statusCode).toBe(404);
    const row = await t.testDb.db
      .selectFrom('posts')
      .select(['is_deleted', 'is_published'])
      .where('slug', '=', slug)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ is_deleted: true, is_published: false });

    const trash = await call('GET', '/api/posts/trash/', staff);
    expect(trash.statusCode).toBe(200);
    expect(trash.json()).toMatchObject({ count: 1, next: null, previous: null });
    expect(trash.json().results[0]).toMatchObject({ slug, is_published: false });
    expect(trash.json().results[0]).not.toHaveProperty('body');
    expect((await call('GET', '/api/posts/trash/', alice)).statusCode).toBe(403);

    // Someone else's deleted post is 404 to a non-staff user; the owner restores it as a draft.
    expect((await call('POST', `/api/posts/${slug}/restore/`, bob)).statusCode).toBe(404);
    const restored = await call('POST', `/api/posts/${slug}/restore/`, alice);
    expect(restored.statusCode).toBe(200);
    expect(restored.json()).toMatchObject({ slug, is_published: false, title: 'Doomed' });
    expect((await call('GET', `/api/posts/${slug}/`, bob)).statusCode).toBe(404);
    expect((await call('GET', `/api/posts/${slug}/`, alice)).statusCode).toBe(200);
    expect((await call('GET', '/api/posts/trash/', staff)).json().count).toBe(0);
    // Not deleted any more: restore is 404.
    expect((await call('POST', `/api/posts/${slug}/restore/`, alice)).statusCode).toBe(404);
  });

  it("lets staff delete and restore anyone's post; another user's draft is 404 to delete", async () => {
    const draft = (await call('POST', '/api/posts/', alice, { title: 'Quiet draft' })).json();
    expect((await call('DELETE', `/api/posts/${draft.slug}/`, bob)).statusCode).toBe(404);
    expect((await call('DELETE', `/api/posts/${draft.slug}/`, staff)).statusCode).toBe(204);
    expect((await call('POST', `/api/posts/${draft.slug}/restore`, staff)).statusCode).toBe(200);
    expect((await call('POST', '/api/posts/missing-000000/restore/', staff)).statusCode).toBe(404);
  });
});
