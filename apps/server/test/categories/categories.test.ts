import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestApp, insertUser, type TestApp } from '../helpers.ts';

type User = Awaited<ReturnType<typeof insertUser>>;

describe('categories', () => {
  let t: TestApp;
  let staff: User;
  let member: User;

  const call = (
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    url: string,
    user?: User,
    payload?: object,
  ) =>
    t.app.inject({ method, url, headers: user ? bearer(user.token) : {}, ...(payload ? { payload } : {}) });

  beforeAll(async () => {
    t = await createTestApp();
    staff = await insertUser(t.testDb, { is_staff: true });
    member = await insertUser(t.testDb);
  });
  afterAll(async () => {
    await t.close();
  });

  it('lets staff create categories with a slug from the name; description defaults to ""', async () => {
    const res = await call('POST', '/api/categories/', staff, { name: '  Science & Tech ' });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toEqual({
      id: expect.any(Number),
      name: 'Science & Tech',
      slug: 'science-and-tech',
      description: '',
    });
    const withText = await call('POST', '/api/categories', staff, { name: 'Travel', description: 'Trips' });
    expect(withText.json()).toMatchObject({ slug: 'travel', description: 'Trips' });
  });

  it('refuses a name taken case-insensitively, blank or too long (400 on name)', async () => {
    for (const name of ['TRAVEL', 'travel', ' ', 'x'.repeat(101)]) {
      const res = await call('POST', '/api/categories/', staff, { name });
      expect(res.statusCode, name).toBe(400);
      expect(Object.keys(res.json()), name).toEqual(['name']);
    }
    expect((await call('POST', '/api/categories/', staff, {})).json()).toEqual({
      name: ['This field is required.'],
    });
  });

  it('suffixes colliding slugs -2, -3… and keeps a slug when the category is renamed', async () => {
    const first = (await call('POST', '/api/categories/', staff, { name: 'News' })).json();
    expect(first.slug).toBe('news');
    const renamed = await call('PATCH', '/api/categories/news/', staff, { name: 'Old news' });
    expect(renamed.statusCode).toBe(200);
    expect(renamed.json()).toMatchObject({ name: 'Old news', slug: 'news' });
    const second = (await call('POST', '/api/categories/', staff, { name: 'news!' })).json();
    expect(second.slug).toBe('news-2');
    const third = (await call('POST', '/api/categories/', staff, { name: 'NEWS?' })).json();
    expect(third.slug).toBe('news-3');
    expect((await call('POST', '/api/categories/', staff, { name: '日本' })).json().slug).toBe('category');
  });

  it('lists every category by name for anyone (no token needed), unpaginated; reads one by slug', async () => {
    const anonymous = await call('GET', '/api/categories/');
    expect(anonymous.statusCode).toBe(200);
    const names = (anonymous.json() as Array<{ name: string }>).map((c) => c.name);
    // By name, case-insensitively (letters only here, so any collation agrees).
    const order = ['Old news', 'Science & Tech', 'Travel'].map((n) => names.indexOf(n));
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(names.indexOf('news!')).toBeLessThan(names.indexOf('Old news'));
    expect(names).toEqual(
      expect.arrayContaining(['news!', 'NEWS?', 'Old news', 'Science & Tech', 'Travel', '日本']),
    );
    const one = await call('GET', '/api/categories/travel/');
    expect(one.statusCode).toBe(200);
    expect(one.json()).toMatchObject({ name: 'Travel', slug: 'travel' });
    expect((await call('GET', '/api/categories/nope/')).statusCode).toBe(404);
  });

  it('updates name and description (PUT and PATCH change only what is sent); name clash 400', async () => {
    const put = await call('PUT', '/api/categories/travel', staff, { description: 'Journeys' });
    expect(put.json()).toMatchObject({ name: 'Travel', description: 'Journeys', slug: 'travel' });
    const sameName = await call('PATCH', '/api/categories/travel/', staff, { name: 'TRAVEL' });
    expect(sameName.statusCode).toBe(200);
    expect(sameName.json()).toMatchObject({ name: 'TRAVEL', slug: 'travel' });
    const clash = await call('PATCH', '/api/categories/travel/', staff, { name: 'science & tech' });
    expect(clash.statusCode).toBe(400);
    expect(Object.keys(clash.json())).toEqual(['name']);
    expect((await call('PATCH', '/api/categories/missing/', staff, { name: 'x' })).statusCode).toBe(404);
  });

  it('keeps writes staff-only: 401 anonymous, 403 for members', async () => {
    const writes: Array<['POST' | 'PUT' | 'PATCH' | 'DELETE', string]> = [
      ['POST', '/api/categories/'],
      ['PUT', '/api/categories/travel/'],
      ['PATCH', '/api/categories/travel/'],
      ['DELETE', '/api/categories/travel/'],
    ];
    for (const [method, url] of writes) {
      const payload = method === 'DELETE' ? undefined : { name: 'Members only' };
      const anonymous = await call(method, url, undefined, payload);
      expect(anonymous.statusCode, `${method} ${url}`).toBe(401);
      const denied = await call(method, url, member, payload);
      expect(denied.statusCode, `${method} ${url}`).toBe(403);
      expect(denied.json()).toMatchObject({ code: 'PERMISSION_DENIED' });
    }
    expect((await call('GET', '/api/categories/travel/')).json().name).toBe('TRAVEL');
  });

  it('deletes a category (204) and detaches it from its posts, which stay', async () => {
    const cat = (await call('POST', '/api/categories/', staff, { name: 'Ephemeral' })).json();
    const keep = (await call('POST', '/api/categories/', staff, { name: 'Lasting' })).json();
    const post = await call('POST', '/api/posts/', member, {
      title: 'Tagged twice',
      categories: [cat.id, keep.id],
      is_published: true,
    });
    expect(post.json().categories).toHaveLength(2);
    const del = await call('DELETE', '/api/categories/ephemeral/', staff);
    expect(del.statusCode).toBe(204);
    expect((await call('GET', '/api/categories/ephemeral/')).statusCode).toBe(404);
    expect((await call('DELETE', '/api/categories/ephemeral/', staff)).statusCode).toBe(404);
    const after = await call('GET', `/api/posts/${post.json().slug}/`, member);
    expect(after.statusCode).toBe(200);
    expect(after.json().categories).toEqual([{ id: keep.id, name: 'Lasting', slug: 'lasting' }]);
    const filtered = await call('GET', '/api/posts/?categories=ephemeral', member);
    expect(filtered.json().count).toBe(0);
  });

  it('serves the same data on the tRPC door (categories.list without a token)', async () => {
    const res = await t.app.inject({ url: '/trpc/categories.list' });
    expect(res.statusCode).toBe(200);
    const rest = await call('GET', '/api/categories/');
    expect(res.json().result.data.json).toEqual(rest.json());
  });
});
