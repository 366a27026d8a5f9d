/**
 * Content API keys over HTTP on both databases: staff make, list and revoke them; a key reads published
 * posts, categories and files on both doors (header or `?key=`) and gets 401/403 for everything else;
 * the anonymous-read switch.
 */
import { createContentClient, createLecternClient, LecternError } from '@lectern/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { injectMultipart, PDF } from '../content-helpers.ts';
import { bearer, createTestApp, insertUser, type TestApp } from '../helpers.ts';

type User = Awaited<ReturnType<typeof insertUser>>;
interface CreatedKey {
  id: number;
  name: string;
  prefix: string;
  key: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

describe('content keys', () => {
  let t: TestApp;
  let staff: User;
  let author: User;
  let key: CreatedKey;
  let published: { slug: string };
  let draft: { slug: string };
  let fileId: number;

  const api = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, headers = {}, payload?: object) =>
    t.app.inject({ method, url, headers, ...(payload ? { payload } : {}) });

  beforeAll(async () => {
    t = await createTestApp();
    staff = await insertUser(t.testDb, { is_staff: true });
    author = await insertUser(t.testDb);
    published = (
      await api('POST', '/api/posts/', bearer(author.token), { title: 'Public news', is_published: true })
    ).json();
    draft = (await api('POST', '/api/posts/', bearer(author.token), { title: 'Secret draft' })).json();
    const uploaded = await injectMultipart(t, 'POST', '/api/files/', author.token, [
      ['file', { data: PDF, filename: 'chart.pdf', type: 'application/pdf' }],
    ]);
    fileId = uploaded.json().id;
    const created = await api('POST', '/api/content-keys/', bearer(staff.token), {
      name: '  Marketing site ',
    });
    expect(created.statusCode, created.body).toBe(201);
    key = created.json();
  });
  afterAll(async () => {
    await t.close();
  });

  it('staff create one: shown once, stored as a hash, listed without the key', async () => {
    expect(key).toMatchObject({
      name: 'Marketing site',
      prefix: key.key.slice(0, 11),
      created_by: { id: staff.id },
      last_used_at: null,
      revoked_at: null,
    });
    expect(key.key).toMatch(/^lk_[A-Za-z0-9_-]{43}$/);
    const row = await t.testDb.db
      .selectFrom('content_keys')
      .selectAll()
      .where('id', '=', key.id)
      .executeTakeFirstOrThrow();
    expect(row.key_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(row.key_hash).not.toContain(key.key.slice(3, 20));

    const list = await api('GET', '/api/content-keys/', bearer(staff.token));
    expect(list.statusCode).toBe(200);
    expect(list.body).not.toContain(key.key);
    expect(list.body).not.toContain(row.key_hash);
    expect(list.json().results[0]).toEqual({ ...key, key: undefined, created_at: expect.any(String) });
    const one = await api('GET', `/api/content-keys/${key.id}/`, bearer(staff.token));
    expect(one.json()).not.toHaveProperty('key');

    expect((await api('POST', '/api/content-keys/', bearer(author.token), { name: 'x' })).statusCode).toBe(
      403,
    );
    expect((await api('GET', '/api/content-keys/', bearer(author.token))).statusCode).toBe(403);
    expect((await api('POST', '/api/content-keys/', {}, { name: 'x' })).statusCode).toBe(401);
    const blank = await api('POST', '/api/content-keys/', bearer(staff.token), { name: ' ' });
    expect(blank.statusCode).toBe(400);
    expect(Object.keys(blank.json())).toEqual(['name']);
    expect((await api('GET', '/api/content-keys/abc/', bearer(staff.token))).statusCode).toBe(404);
  });

  it('reads published posts, categories and files, by header or ?key=, on both doors', async () => {
    for (const [how, headers, query] of [
      ['header', bearer(key.key), ''],
      ['query', {}, `key=${key.key}`],
    ] as const) {
      const list = await api('GET', `/api/posts/?page_size=50&${query}`, headers);
      expect(list.statusCode, `${how}: ${list.body}`).toBe(200);
      const slugs = list.json().results.map((r: { slug: string }) => r.slug);
      expect(slugs, how).toContain(published.slug);
      expect(slugs, how).not.toContain(draft.slug);
      const sep = query ? `?${query}` : '';
      expect((await api('GET', `/api/posts/${published.slug}/${sep}`, headers)).statusCode, how).toBe(200);
      expect((await api('GET', `/api/categories/${sep}`, headers)).statusCode, how).toBe(200);
      expect((await api('GET', `/api/files/${sep}`, headers)).json().count, how).toBeGreaterThan(0);
      expect((await api('GET', `/api/files/${fileId}/${sep}`, headers)).statusCode, how).toBe(200);
    }
    // `key` is taken off the URL before the procedures see it: no `next` link carries it.
    const paged = await api('GET', `/api/posts/?page_size=1&key=${key.key}`);
    expect(paged.statusCode).toBe(200);
    expect(paged.body).not.toContain(key.key);

    const trpc = await api(
      'GET',
      `/trpc/posts.list?input=${encodeURIComponent(JSON.stringify({ json: { page_size: 50 } }))}`,
      bearer(key.key),
    );
    expect(trpc.statusCode).toBe(200);
    expect(trpc.body).toContain(published.slug);
    expect(trpc.body).not.toContain(draft.slug);
  });

  it('gets 404 for drafts, 403 for asking for drafts, users and every write, 401 for a wrong key', async () => {
    const k = bearer(key.key);
    expect((await api('GET', `/api/posts/${draft.slug}/`, k)).statusCode, 'a draft is simply absent').toBe(
      404,
    );
    const refusals: Array<[string, ReturnType<typeof api>]> = [
      ['drafts', api('GET', '/api/posts/?is_published=false', k)],
      ['scheduled', api('GET', '/api/posts/?scheduled=true', k)],
      ['me', api('GET', '/api/users/me/', k)],
      ['users', api('GET', '/api/users/', k)],
      ['a user', api('GET', `/api/users/${author.slug}/`, k)],
      ['create', api('POST', '/api/posts/', k, { title: 'Nope' })],
      ['update', api('PATCH', `/api/posts/${published.slug}/`, k, { title: 'Nope' })],
      ['delete', api('DELETE', `/api/posts/${published.slug}/`, k)],
      ['revisions', api('GET', `/api/posts/${published.slug}/revisions/`, k)],
      ['trash', api('GET', '/api/posts/trash/', k)],
      ['category', api('POST', '/api/categories/', k, { name: 'Nope' })],
      ['delete file', api('DELETE', `/api/files/${fileId}/`, k)],
      ['keys', api('GET', '/api/content-keys/', k)],
      ['settings', api('GET', '/api/system/settings/', k)],
      [
        'upload',
        injectMultipart(t, 'POST', '/api/files/', key.key, [['file', { data: PDF, filename: 'a.pdf' }]]),
      ],
    ];
    for (const [what, pending] of refusals) {
      const res = await pending;
      expect(res.statusCode, `${what}: ${res.body}`).toBe(403);
      expect(res.json().code, what).toBe('PERMISSION_DENIED');
    }
    expect(await t.testDb.db.selectFrom('posts').select('id').where('title', '=', 'Nope').execute()).toEqual(
      [],
    );

    for (const wrong of [`lk_${'A'.repeat(43)}`, 'lk_short', `${key.key}x`]) {
      const res = await api('GET', '/api/posts/', bearer(wrong));
      expect(res.statusCode, wrong).toBe(401);
      expect(res.json().code).toBe('TOKEN_INVALID');
      expect((await api('GET', `/api/posts/?key=${wrong}`)).json().code).toBe('TOKEN_INVALID');
    }
  });

  it('records its last use at most once a minute', async () => {
    const lastUsed = async () =>
      (
        await t.testDb.db
          .selectFrom('content_keys')
          .select('last_used_at')
          .where('id', '=', key.id)
          .executeTakeFirstOrThrow()
      ).last_used_at;
    const first = await lastUsed();
    expect(first).toBeInstanceOf(Date);
    await api('GET', '/api/categories/', bearer(key.key));
    expect(await lastUsed(), 'not rewritten within the minute').toEqual(first);
    await t.testDb.db
      .updateTable('content_keys')
      .set({ last_used_at: new Date(Date.now() - 120_000) })
      .where('id', '=', key.id)
      .execute();
    await api('GET', '/api/categories/', bearer(key.key));
    expect((await lastUsed())?.getTime()).toBeGreaterThan(Date.now() - 60_000);
  });

  it('works through the SDK: staff manage keys, and the read-only content client reads with one', async () => {
    const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
    const admin = createLecternClient({ url: address });
    await admin.auth.setTokens({ access: staff.token, refresh: 'unused' });
    const made = await admin.contentKeys.create.mutate({ name: 'SDK site' });
    expect(made.created_at).toBeInstanceOf(Date);

    const site = createContentClient({ url: address, key: made.key });
    const page = await site.posts.list.query({ page_size: 50 });
    expect(page.results.map((r) => r.slug)).toContain(published.slug);
    expect(page.results.map((r) => r.slug)).not.toContain(draft.slug);
    expect((await site.posts.get.query({ slug: published.slug })).published_at).toBeInstanceOf(Date);
    expect((await site.files.get.query({ id: String(fileId) })).uploaded_at).toBeInstanceOf(Date);
    expect(Array.isArray(await site.categories.list.query())).toBe(true);
    const refused = await site.posts.get
      .query({ slug: draft.slug })
      .catch((e: unknown) => LecternError.from(e));
    expect(refused).toMatchObject({ code: 'NOT_FOUND', status: 404 });

    await admin.contentKeys.revoke.mutate({ id: made.id });
    const afterRevoke = await site.posts.list.query({}).catch((e: unknown) => LecternError.from(e));
    expect(afterRevoke).toMatchObject({ code: 'TOKEN_INVALID', status: 401 });
    expect(() => createContentClient({ url: address, key: staff.token })).toThrow(TypeError);
  });

  it('stops working once revoked, on every path; revoking again changes nothing', async () => {
    const spare = (await api('POST', '/api/content-keys/', bearer(staff.token), { name: 'Spare' })).json();
    const revoked = await api('POST', `/api/content-keys/${key.id}/revoke/`, bearer(staff.token));
    expect(revoked.statusCode).toBe(200);
    expect(revoked.json().revoked_at).toEqual(expect.any(String));
    // (Categories need no credential at all: like an expired access token, a refused key changes nothing there.)
    for (const url of [
      '/api/posts/',
      `/api/posts/${published.slug}/`,
      '/api/files/',
      `/api/files/${fileId}/`,
    ]) {
      const res = await api('GET', url, bearer(key.key));
      expect(res.statusCode, url).toBe(401);
      expect(res.json().code).toBe('TOKEN_INVALID');
    }
    expect((await api('GET', `/api/posts/?key=${key.key}`)).statusCode).toBe(401);
    const twice = await api('POST', `/api/content-keys/${key.id}/revoke/`, bearer(staff.token));
    expect(twice.json().revoked_at).toBe(revoked.json().revoked_at);
    expect((await api('GET', '/api/posts/', bearer(spare.key))).statusCode, 'other keys still work').toBe(
      200,
    );

    const live = await api('GET', '/api/content-keys/?revoked=false', bearer(staff.token));
    expect(live.json().results.map((k: { id: number }) => k.id)).toEqual([spare.id]);
    const gone = await api('GET', '/api/content-keys/?revoked=true', bearer(staff.token));
    expect(gone.json().results.map((k: { id: number }) => k.id)).toContain(key.id);
    expect(gone.json().results.map((k: { id: number }) => k.id)).not.toContain(spare.id);
    expect((await api('POST', '/api/content-keys/999999/revoke/', bearer(staff.token))).statusCode).toBe(404);
  });
});

describe('anonymous reading', () => {
  let t: TestApp;
  let superuser: User;
  let author: User;

  const anonymous = (url: string, method: 'GET' | 'POST' = 'GET') =>
    t.app.inject({ method, url, ...(method === 'POST' ? { payload: { title: 'Anon' } } : {}) });

  beforeAll(async () => {
    t = await createTestApp();
    superuser = await insertUser(t.testDb, { is_superuser: true });
    author = await insertUser(t.testDb);
  });
  afterAll(async () => {
    await t.close();
  });

  it('is off by default; a superuser switches it on: anyone reads published content, nothing more', async () => {
    const post = await t.app.inject({
      method: 'POST',
      url: '/api/posts/',
      headers: bearer(author.token),
      payload: { title: 'For everyone', is_published: true },
    });
    const draft = await t.app.inject({
      method: 'POST',
      url: '/api/posts/',
      headers: bearer(author.token),
      payload: { title: 'Not yet' },
    });
    const off = await anonymous('/api/posts/');
    expect(off.statusCode).toBe(401);
    expect(off.json().code).toBe('NOT_AUTHENTICATED');

    const on = await t.app.inject({
      method: 'PATCH',
      url: '/api/system/settings/',
      headers: bearer(superuser.token),
      payload: { anonymous_read: true },
    });
    expect(on.json()).toMatchObject({ anonymous_read: true });
    const list = await anonymous('/api/posts/');
    expect(list.statusCode).toBe(200);
    const slugs = list.json().results.map((r: { slug: string }) => r.slug);
    expect(slugs).toEqual([post.json().slug]);
    expect((await anonymous(`/api/posts/${post.json().slug}/`)).statusCode).toBe(200);
    expect((await anonymous(`/api/posts/${draft.json().slug}/`)).statusCode).toBe(404);
    expect((await anonymous('/api/files/')).statusCode).toBe(200);
    for (const [url, method] of [
      ['/api/posts/?is_published=false', 'GET'],
      ['/api/posts/', 'POST'],
      ['/api/users/me/', 'GET'],
      ['/api/posts/trash/', 'GET'],
    ] as const) {
      const res = await anonymous(url, method);
      expect(res.statusCode, url).toBe(401);
    }
    // A signed-in author still sees their draft.
    const mine = await t.app.inject({ url: '/api/posts/', headers: bearer(author.token) });
    expect(mine.json().count).toBe(2);

    await t.app.inject({
      method: 'PATCH',
      url: '/api/system/settings/',
      headers: bearer(superuser.token),
      payload: { anonymous_read: false },
    });
    expect((await anonymous('/api/posts/')).statusCode).toBe(401);
  });

  it('takes its first value from ANONYMOUS_READ when the settings row is created', async () => {
    const fresh = await createTestApp({ ANONYMOUS_READ: 'true' });
    try {
      expect((await fresh.app.inject({ url: '/api/posts/' })).statusCode).toBe(200);
    } finally {
      await fresh.close();
    }
  });
});
