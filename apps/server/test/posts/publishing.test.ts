/**
 * The publishing workflow over REST on both databases: revisions under /api/posts/{slug}/revisions,
 * thumbnails kept while a revision names them, and `publish_at` as JSON and multipart text.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GIF, injectMultipart, keyOfUrl, mediaFiles, PNG } from '../content-helpers.ts';
import { bearer, createTestApp, insertUser, type TestApp } from '../helpers.ts';

type User = Awaited<ReturnType<typeof insertUser>>;

describe('revisions over REST', () => {
  let t: TestApp;
  let alice: User;
  beforeAll(async () => {
    t = await createTestApp({ REVISIONS_KEPT: '2' });
    alice = await insertUser(t.testDb);
  });
  afterAll(async () => {
    await t.close();
  });

  const call = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) =>
    t.app.inject({ method, url, headers: bearer(alice.token), ...(payload ? { payload } : {}) });

  it('lists, reads and restores under /api/posts/{slug}/revisions (with or without trailing slashes)', async () => {
    const post = (await call('POST', '/api/posts/', { title: 'v1', body: '<p>one</p>' })).json();
    await call('PATCH', `/api/posts/${post.slug}/`, { title: 'v2', body: '<p>two</p>' });
    const list = await call('GET', `/api/posts/${post.slug}/revisions`);
    expect(list.statusCode, list.body).toBe(200);
    const body = list.json();
    expect(body).toMatchObject({ count: 2, next: null, previous: null });
    expect(body.results.map((r: { title: string }) => r.title)).toEqual(['v2', 'v1']);
    expect(body.results[0].created_at).toMatch(/Z$/);
    const first = body.results[1];

    const one = await call('GET', `/api/posts/${post.slug}/revisions/${first.id}/`);
    expect(one.json()).toMatchObject({ id: first.id, kind: 'create', body: '<p>one</p>' });
    const restored = await call('POST', `/api/posts/${post.slug}/revisions/${first.id}/restore/`);
    expect(restored.statusCode, restored.body).toBe(200);
    expect(restored.json()).toMatchObject({ title: 'v1', body: '<p>one</p>' });
    expect((await call('GET', `/api/posts/${post.slug}/revisions/abc/`)).statusCode).toBe(404);
    expect((await call('GET', `/api/posts/${post.slug}/revisions/?page=9`)).statusCode).toBe(404);
    expect((await call('PATCH', `/api/posts/${post.slug}/revisions/${first.id}/`)).statusCode).toBe(405);
  });

  it('keeps a replaced thumbnail while a revision names it; restoring brings it back; trimming frees it', async () => {
    const created = await injectMultipart(t, 'POST', '/api/posts/', alice.token, [
      ['title', 'Pictures'],
      ['thumbnail', { data: PNG, filename: 'a.png', type: 'image/png' }],
    ]);
    const slug = created.json().slug as string;
    const first = keyOfUrl(created.json().thumbnail);
    const replaced = await injectMultipart(t, 'PATCH', `/api/posts/${slug}/`, alice.token, [
      ['thumbnail', { data: GIF, filename: 'b.gif', type: 'image/gif' }],
    ]);
    const second = keyOfUrl(replaced.json().thumbnail);
    expect(await mediaFiles(t)).toEqual(expect.arrayContaining([first, second]));

    const revisions = (await call('GET', `/api/posts/${slug}/revisions/`)).json().results;
    expect(revisions.map((r: { thumbnail: string }) => keyOfUrl(r.thumbnail))).toEqual([second, first]);
    const restored = await call('POST', `/api/posts/${slug}/revisions/${revisions[1].id}/restore/`);
    expect(keyOfUrl(restored.json().thumbnail)).toBe(first);
    const served = await t.app.inject({ url: new URL(restored.json().thumbnail).pathname });
    expect(served.statusCode).toBe(200);
    expect(served.headers['content-type']).toBe('image/png');

    // REVISIONS_KEPT=2: the next write drops the revision that named the GIF, and its file goes.
    await call('PATCH', `/api/posts/${slug}/`, { title: 'Pictures, again' });
    const files = await mediaFiles(t);
    expect(files).toContain(first);
    expect(files).not.toContain(second);
  });
});

describe('publish_at over REST and multipart', () => {
  let t: TestApp;
  let alice: User;
  beforeAll(async () => {
    t = await createTestApp();
    alice = await insertUser(t.testDb);
  });
  afterAll(async () => {
    await t.close();
  });

  it('takes ISO 8601 text with a zone, answers it in UTC, and refuses the past on the field', async () => {
    const at = new Date(Date.now() + 3_600_000);
    at.setMilliseconds(0);
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/posts/',
      headers: bearer(alice.token),
      payload: { title: 'Later', publish_at: at.toISOString().replace('Z', '+00:00') },
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({
      is_published: false,
      publish_at: at.toISOString(),
      published_at: null,
    });

    const past = await t.app.inject({
      method: 'PATCH',
      url: `/api/posts/${res.json().slug}/`,
      headers: bearer(alice.token),
      payload: { publish_at: '2020-01-01T00:00:00Z' },
    });
    expect(past.statusCode).toBe(400);
    expect(past.json()).toEqual({ publish_at: ['Ensure this time is in the future.'] });
    const both = await t.app.inject({
      method: 'POST',
      url: '/api/posts/',
      headers: bearer(alice.token),
      payload: { title: 'Both', is_published: true, publish_at: at.toISOString() },
    });
    expect(both.statusCode).toBe(400);
    expect(Object.keys(both.json())).toEqual(['publish_at']);

    const multipart = await injectMultipart(t, 'POST', '/api/posts/', alice.token, [
      ['title', 'Later, with a picture'],
      ['publish_at', at.toISOString()],
      ['thumbnail', { data: PNG, filename: 'p.png', type: 'image/png' }],
    ]);
    expect(multipart.statusCode, multipart.body).toBe(201);
    expect(multipart.json().publish_at).toBe(at.toISOString());
    const cancelled = await injectMultipart(t, 'PATCH', `/api/posts/${multipart.json().slug}/`, alice.token, [
      ['publish_at', ''],
    ]);
    expect(cancelled.json()).toMatchObject({ publish_at: null, is_published: false });

    const scheduled = await t.app.inject({
      url: '/api/posts/?scheduled=true',
      headers: bearer(alice.token),
    });
    expect(scheduled.json().results.map((r: { title: string }) => r.title)).toEqual(['Later']);
  });
});
