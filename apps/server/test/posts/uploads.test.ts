import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GIF, injectMultipart, keyOfUrl, mediaFiles, PNG } from '../content-helpers.ts';
import { bearer, createTestApp, insertUser, type TestApp } from '../helpers.ts';

type User = Awaited<ReturnType<typeof insertUser>>;

const MAX_UPLOAD = 4096;

describe('posts over multipart: thumbnails, field encodings, limits, cleanup', () => {
  let t: TestApp;
  let alice: User;
  let bob: User;
  let categories: number[];

  const postRows = async (title: string) =>
    t.testDb.db.selectFrom('posts').select(['id', 'thumbnail']).where('title', '=', title).execute();

  beforeAll(async () => {
    // One revision per post (its current state): a replaced thumbnail is then named by nothing and
    // removed at once. With more revisions kept, it stays while one names it (publishing.test.ts).
    t = await createTestApp({ UPLOAD_MAX_BYTES: String(MAX_UPLOAD), REVISIONS_KEPT: '1' });
    alice = await insertUser(t.testDb);
    bob = await insertUser(t.testDb);
    const rows = await t.testDb.db
      .insertInto('categories')
      .values(
        [1, 2].map((n) => ({ name: `C${n} ${randomUUID()}`, slug: `c${n}-${randomUUID().slice(0, 8)}` })),
      )
      .returning('id')
      .execute();
    categories = rows.map((r) => r.id);
  });
  afterAll(async () => {
    await t.close();
  });

  it('creates a post with a thumbnail, tags as a JSON string and repeated category fields', async () => {
    const res = await injectMultipart(t, 'POST', '/api/posts/', alice.token, [
      ['title', 'With a picture'],
      ['body', '<p>Hi <img src=x onerror=alert(1)></p>'],
      ['tags', '["Photos", "photos", " travel "]'],
      ['categories', String(categories[0])],
      ['categories', String(categories[1])],
      ['is_published', 'on'],
      ['thumbnail', { data: PNG, filename: 'holiday.png', type: 'image/png' }],
    ]);
    expect(res.statusCode, res.body).toBe(201);
    const post = res.json();
    expect(post).toMatchObject({
      title: 'With a picture',
      body: '<p>Hi <img src="x" /></p>',
      tags: ['Photos', 'travel'],
      is_published: true,
      author: { id: alice.id },
    });
    expect(post.categories.map((c: { id: number }) => c.id).sort()).toEqual([...categories].sort());
    expect(post.thumbnail).toMatch(/^http:\/\/[^/]+\/media\//);
    const key = keyOfUrl(post.thumbnail);
    expect(key).toMatch(new RegExp(`^${alice.slug}/posts/[0-9a-f-]{36}\\.png$`));
    expect(await mediaFiles(t)).toContain(key);

    const served = await t.app.inject({ url: new URL(post.thumbnail).pathname });
    expect(served.statusCode).toBe(200);
    expect(served.headers['content-type']).toBe('image/png');
    expect(served.headers['x-content-type-options']).toBe('nosniff');
    expect(served.rawPayload.equals(PNG)).toBe(true);
  });

  it('accepts categories as a JSON string and an image by its bytes (a GIF named .png is stored as .gif)', async () => {
    const res = await injectMultipart(t, 'POST', '/api/posts', alice.token, [
      ['title', 'Gif in disguise'],
      ['categories', JSON.stringify(categories)],
      ['thumbnail', { data: GIF, filename: 'not-really.png', type: 'image/png' }],
    ]);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().thumbnail).toMatch(/\.gif$/);
    expect(res.json().categories).toHaveLength(2);
    expect(res.json().is_published).toBe(false);
    const served = await t.app.inject({ url: new URL(res.json().thumbnail).pathname });
    expect(served.headers['content-type']).toBe('image/gif');
  });

  it('refuses a disguised file (415), an oversized one (413) and bad fields (400), leaving no file and no row', async () => {
    const before = await mediaFiles(t);
    const disguised = await injectMultipart(t, 'POST', '/api/posts/', alice.token, [
      ['title', 'Refused A'],
      ['thumbnail', { data: Buffer.from('<html><script>alert(1)</script></html>'), filename: 'cat.png' }],
    ]);
    expect(disguised.statusCode).toBe(415);
    expect(disguised.json()).toEqual({ detail: expect.any(String), code: 'UNSUPPORTED_MEDIA_TYPE' });

    const big = Buffer.concat([PNG, Buffer.alloc(MAX_UPLOAD + 1)]);
    const oversized = await injectMultipart(t, 'POST', '/api/posts/', alice.token, [
      ['title', 'Refused B'],
      ['thumbnail', { data: big, filename: 'big.png', type: 'image/png' }],
    ]);
    expect(oversized.statusCode).toBe(413);
    expect(oversized.json()).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });

    const fieldCases: Array<[Array<[string, string]>, string]> = [
      [[['is_published', 'yes']], 'is_published'],
      [[['tags', 'news, tech']], 'tags'],
      [[['tags', '{"a":1}']], 'tags'],
      [[['categories', 'one']], 'categories'],
      [
        [
          ['categories', String(categories[0])],
          ['categories', '999999'],
        ],
        'categories',
      ],
    ];
    for (const [fields, field] of fieldCases) {
      const res = await injectMultipart(t, 'POST', '/api/posts/', alice.token, [
        ['title', 'Refused C'],
        ...fields,
        ['thumbnail', { data: PNG, filename: 'ok.png', type: 'image/png' }],
      ]);
      expect(res.statusCode, JSON.stringify(fields)).toBe(400);
      expect(Object.keys(res.json()), JSON.stringify(fields)).toEqual([field]);
    }
    const noTitle = await injectMultipart(t, 'POST', '/api/posts/', alice.token, [
      ['thumbnail', { data: PNG, filename: 'ok.png', type: 'image/png' }],
    ]);
    expect(noTitle.json()).toEqual({ title: ['This field is required.'] });

    expect(await mediaFiles(t)).toEqual(before);
    for (const title of ['Refused A', 'Refused B', 'Refused C']) expect(await postRows(title)).toEqual([]);
  });

  it('removes the stored thumbnail when the post cannot be written (unknown category checked in the transaction)', async () => {
    const before = await mediaFiles(t);
    const res = await injectMultipart(t, 'POST', '/api/posts/', alice.token, [
      ['title', 'Rolled back'],
      ['categories', '[123456789]'],
      ['thumbnail', { data: PNG, filename: 'ok.png', type: 'image/png' }],
    ]);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ categories: ['Invalid pk "123456789" - object does not exist.'] });
    expect(await mediaFiles(t)).toEqual(before);
    expect(await postRows('Rolled back')).toEqual([]);
  });

  it('replaces the thumbnail on PUT/PATCH (old file removed), removes it with an empty value, keeps it otherwise', async () => {
    const created = await injectMultipart(t, 'POST', '/api/posts/', alice.token, [
      ['title', 'Changing pictures'],
      ['thumbnail', { data: PNG, filename: 'a.png', type: 'image/png' }],
    ]);
    const slug = created.json().slug as string;
    const firstKey = keyOfUrl(created.json().thumbnail);

    const replaced = await injectMultipart(t, 'PATCH', `/api/posts/${slug}/`, alice.token, [
      ['thumbnail', { data: GIF, filename: 'b.gif', type: 'image/gif' }],
    ]);
    expect(replaced.statusCode, replaced.body).toBe(200);
    const secondKey = keyOfUrl(replaced.json().thumbnail);
    expect(secondKey).not.toBe(firstKey);
    expect(replaced.json()).toMatchObject({ title: 'Changing pictures', slug });
    let files = await mediaFiles(t);
    expect(files).toContain(secondKey);
    expect(files).not.toContain(firstKey);

    // Text fields alone (multipart PUT) leave the picture alone.
    const titled = await injectMultipart(t, 'PUT', `/api/posts/${slug}`, alice.token, [
      ['title', 'Renamed'],
      ['is_published', 'true'],
    ]);
    expect(titled.json()).toMatchObject({ title: 'Renamed', is_published: true, slug });
    expect(keyOfUrl(titled.json().thumbnail)).toBe(secondKey);

    // A JSON body with the URL from a GET is harmless; null removes.
    const echoed = await t.app.inject({
      method: 'PUT',
      url: `/api/posts/${slug}/`,
      headers: bearer(alice.token),
      payload: titled.json(),
    });
    expect(echoed.statusCode, echoed.body).toBe(200);
    expect(keyOfUrl(echoed.json().thumbnail)).toBe(secondKey);

    const removed = await injectMultipart(t, 'PATCH', `/api/posts/${slug}/`, alice.token, [
      ['thumbnail', ''],
    ]);
    expect(removed.statusCode).toBe(200);
    expect(removed.json().thumbnail).toBeNull();
    files = await mediaFiles(t);
    expect(files).not.toContain(secondKey);

    const again = await injectMultipart(t, 'PATCH', `/api/posts/${slug}/`, alice.token, [
      ['thumbnail', { data: PNG, filename: 'c.png', type: 'image/png' }],
    ]);
    const thirdKey = keyOfUrl(again.json().thumbnail);
    const cleared = await t.app.inject({
      method: 'PATCH',
      url: `/api/posts/${slug}/`,
      headers: bearer(alice.token),
      payload: { thumbnail: null },
    });
    expect(cleared.json().thumbnail).toBeNull();
    expect(await mediaFiles(t)).not.toContain(thirdKey);
  });

  it('refuses multipart updates from others (403/404) and anonymous users (401) without storing anything', async () => {
    const published = await injectMultipart(t, 'POST', '/api/posts/', alice.token, [
      ['title', 'Guarded'],
      ['is_published', '1'],
      ['thumbnail', { data: PNG, filename: 'a.png', type: 'image/png' }],
    ]);
    const draft = await injectMultipart(t, 'POST', '/api/posts/', alice.token, [['title', 'Guarded draft']]);
    const before = await mediaFiles(t);
    const thumb = ['thumbnail', { data: GIF, filename: 'b.gif', type: 'image/gif' }] as const;

    const forbidden = await injectMultipart(t, 'PATCH', `/api/posts/${published.json().slug}/`, bob.token, [
      ['title', 'Mine now'],
      [...thumb],
    ]);
    expect(forbidden.statusCode).toBe(403);
    const hidden = await injectMultipart(t, 'PATCH', `/api/posts/${draft.json().slug}/`, bob.token, [
      [...thumb],
    ]);
    expect(hidden.statusCode).toBe(404);
    const anonymous = await injectMultipart(t, 'POST', '/api/posts/', null, [['title', 'Anon'], [...thumb]]);
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json()).toMatchObject({ code: 'NOT_AUTHENTICATED' });
    const forged = await injectMultipart(t, 'POST', '/api/posts/', 'a.b.c', [['title', 'Anon']]);
    expect(forged.json()).toMatchObject({ code: 'TOKEN_INVALID' });

    expect(await mediaFiles(t)).toEqual(before);
    const unchanged = await t.app.inject({
      url: `/api/posts/${published.json().slug}/`,
      headers: bearer(alice.token),
    });
    expect(unchanged.json()).toMatchObject({ title: 'Guarded', thumbnail: published.json().thumbnail });
  });

  it('keeps the thumbnail of a soft-deleted post, so restore brings it back whole', async () => {
    const created = await injectMultipart(t, 'POST', '/api/posts/', alice.token, [
      ['title', 'Temporarily gone'],
      ['thumbnail', { data: PNG, filename: 'a.png', type: 'image/png' }],
    ]);
    const { slug, thumbnail } = created.json();
    const del = await t.app.inject({
      method: 'DELETE',
      url: `/api/posts/${slug}/`,
      headers: bearer(alice.token),
    });
    expect(del.statusCode).toBe(204);
    expect(await mediaFiles(t)).toContain(keyOfUrl(thumbnail));
    const restored = await t.app.inject({
      method: 'POST',
      url: `/api/posts/${slug}/restore/`,
      headers: bearer(alice.token),
    });
    expect(restored.json().thumbnail).toBe(thumbnail);
  });
});
