import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { injectMultipart, keyOfUrl, mediaFiles, PDF, PNG } from '../content-helpers.ts';
import { bearer, createTestApp, insertUser, type TestApp } from '../helpers.ts';

type User = Awaited<ReturnType<typeof insertUser>>;

const MAX_UPLOAD = 8192;

describe('file gallery', () => {
  let t: TestApp;
  let staff: User;
  let alice: User;
  let bob: User;

  const upload = (user: User | null, parts: Parameters<typeof injectMultipart>[4]) =>
    injectMultipart(t, 'POST', '/api/files/', user?.token ?? null, parts);
  const get = (url: string, user?: User) => t.app.inject({ url, headers: user ? bearer(user.token) : {} });
  const del = (id: number | string, user?: User) =>
    t.app.inject({ method: 'DELETE', url: `/api/files/${id}/`, headers: user ? bearer(user.token) : {} });

  beforeAll(async () => {
    t = await createTestApp({ UPLOAD_MAX_BYTES: String(MAX_UPLOAD) });
    staff = await insertUser(t.testDb, { is_staff: true });
    alice = await insertUser(t.testDb);
    bob = await insertUser(t.testDb);
  });
  afterAll(async () => {
    await t.close();
  });

  it('uploads a file: 201, title defaults to the original name, stored under file_gallery/ with a generated name', async () => {
    const res = await upload(alice, [
      ['file', { data: PDF, filename: 'Annual Report.pdf', type: 'application/pdf' }],
    ]);
    expect(res.statusCode, res.body).toBe(201);
    const file = res.json();
    expect(Object.keys(file).sort()).toEqual([
      'content_type',
      'file',
      'id',
      'size',
      'title',
      'uploaded_at',
      'uploaded_by',
    ]);
    expect(file).toMatchObject({
      title: 'Annual Report.pdf',
      size: PDF.length,
      content_type: 'application/pdf',
      uploaded_by: { id: alice.id, slug: alice.slug, username: expect.any(String) },
    });
    expect(Object.keys(file.uploaded_by).sort()).toEqual(['id', 'slug', 'username']);
    const key = keyOfUrl(file.file);
    expect(key).toMatch(/^file_gallery\/[0-9a-f-]{36}\.pdf$/);
    expect(await mediaFiles(t)).toContain(key);
    const served = await t.app.inject({ url: new URL(file.file).pathname });
    expect(served.headers['content-type']).toBe('application/pdf');
    expect(served.rawPayload.equals(PDF)).toBe(true);

    const titled = await upload(alice, [
      ['title', '  Logo  '],
      ['file', { data: PNG, filename: 'logo.png', type: 'image/png' }],
    ]);
    expect(titled.json()).toMatchObject({ title: 'Logo', content_type: 'image/png' });
    const text = await upload(bob, [['file', { data: Buffer.from('a,b\n1,2\n'), filename: 'data.csv' }]]);
    expect(text.json()).toMatchObject({ title: 'data.csv', content_type: 'text/csv' });
    expect(keyOfUrl(text.json().file)).toMatch(/\.csv$/);
  });

  it('refuses HTML, SVG and executables (415), oversized files (413), missing or empty files (400), leaving nothing behind', async () => {
    const before = await mediaFiles(t);
    const refused: Array<[string, Buffer]> = [
      ['page.txt', Buffer.from('<!doctype html><html><body><script>alert(1)</script></body></html>')],
      ['image.svg', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')],
      ['tool.exe', Buffer.concat([Buffer.from('MZ'), Buffer.alloc(200, 0x90)])],
      ['run.pdf', Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]), Buffer.alloc(100)])],
    ];
    for (const [filename, data] of refused) {
      const res = await upload(alice, [['file', { data, filename }]]);
      expect(res.statusCode, filename).toBe(415);
      expect(res.json()).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE' });
    }
    const big = await upload(alice, [
      ['file', { data: Buffer.concat([PDF, Buffer.alloc(MAX_UPLOAD)]), filename: 'big.pdf' }],
    ]);
    expect(big.statusCode).toBe(413);
    expect(big.json()).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    expect((await upload(alice, [['title', 'nothing']])).json()).toEqual({
      file: ['No file was submitted.'],
    });
    const empty = await upload(alice, [['file', { data: Buffer.alloc(0), filename: 'empty.pdf' }]]);
    expect(empty.statusCode).toBe(400);
    expect(empty.json()).toEqual({ file: ['The submitted file is empty.'] });
    const longTitle = await upload(alice, [
      ['title', 'x'.repeat(256)],
      ['file', { data: PDF, filename: 'a.pdf' }],
    ]);
    expect(longTitle.statusCode).toBe(400);
    expect(Object.keys(longTitle.json())).toEqual(['title']);
    const json = await t.app.inject({
      method: 'POST',
      url: '/api/files/',
      headers: bearer(alice.token),
      payload: { title: 'json' },
    });
    expect(json.statusCode).toBe(415);
    expect(await upload(null, [['file', { data: PDF, filename: 'a.pdf' }]])).toMatchObject({
      statusCode: 401,
    });
    // The token is checked before the body is read: an anonymous oversized upload is 401, not 413.
    const anonymousBig = await upload(null, [
      ['file', { data: Buffer.concat([PDF, Buffer.alloc(MAX_UPLOAD * 4)]), filename: 'big.pdf' }],
    ]);
    expect(anonymousBig.statusCode).toBe(401);
    expect(anonymousBig.json()).toMatchObject({ code: 'NOT_AUTHENTICATED' });
    expect(await mediaFiles(t)).toEqual(before);
  });

  it('lists newest first (authenticated only), paginated, with a case-insensitive title search', async () => {
    expect((await get('/api/files/')).statusCode).toBe(401);
    const page = (await get('/api/files/?page_size=2', bob)).json();
    expect(page.count).toBe(3);
    expect(page.results.map((f: { title: string }) => f.title)).toEqual(['data.csv', 'Logo']);
    expect(new URL(page.next).searchParams.get('page')).toBe('2');
    const second = (await get(new URL(page.next).pathname + new URL(page.next).search, bob)).json();
    expect(second.results.map((f: { title: string }) => f.title)).toEqual(['Annual Report.pdf']);
    expect((await get('/api/files/?search=REPORT', bob)).json().results).toHaveLength(1);
    expect((await get('/api/files/?search=o', bob)).json().count).toBe(2);
    // LIKE wildcards are matched literally.
    expect((await get('/api/files/?search=%25', bob)).json().count).toBe(0);
    expect((await get('/api/files/?search=_', bob)).json().count).toBe(0);
    expect((await get('/api/files/?page=3&page_size=2', bob)).statusCode).toBe(404);
  });

  it('reads one file by id (404 for unknown or non-numeric ids)', async () => {
    const listed = (await get('/api/files/?search=logo', bob)).json().results[0];
    const one = await get(`/api/files/${listed.id}/`, bob);
    expect(one.statusCode).toBe(200);
    expect(one.json()).toEqual(listed);
    expect((await get('/api/files/999999/', bob)).statusCode).toBe(404);
    expect((await get('/api/files/abc/', bob)).statusCode).toBe(404);
    expect((await get(`/api/files/${listed.id}/`)).statusCode).toBe(401);
  });

  it('deletes: uploader or staff (204, the stored file removed); others 403', async () => {
    const mine = (await upload(alice, [['file', { data: PNG, filename: 'mine.png' }]])).json();
    const other = (await upload(bob, [['file', { data: PNG, filename: 'bobs.png' }]])).json();
    const mineKey = keyOfUrl(mine.file);
    const otherKey = keyOfUrl(other.file);

    const denied = await del(mine.id, bob);
    expect(denied.statusCode).toBe(403);
    expect(denied.json()).toMatchObject({ code: 'PERMISSION_DENIED' });
    expect(await mediaFiles(t)).toContain(mineKey);
    expect((await del(mine.id)).statusCode).toBe(401);

    const own = await del(mine.id, alice);
    expect(own.statusCode).toBe(204);
    expect(await mediaFiles(t)).not.toContain(mineKey);
    expect((await get(`/api/files/${mine.id}/`, alice)).statusCode).toBe(404);
    expect((await t.app.inject({ url: new URL(mine.file).pathname })).statusCode).toBe(404);
    expect((await del(mine.id, alice)).statusCode).toBe(404);

    expect((await del(other.id, staff)).statusCode).toBe(204);
    expect(await mediaFiles(t)).not.toContain(otherKey);
  });

  it('serves list, get and delete on the tRPC door too, with Dates', async () => {
    const res = await t.app.inject({
      url: `/trpc/files.list?input=${encodeURIComponent(JSON.stringify({ json: { page_size: '1' } }))}`,
      headers: bearer(bob.token),
    });
    expect(res.statusCode, res.body).toBe(200);
    const data = res.json().result.data;
    expect(data.json).toMatchObject({
      count: 3,
      previous: null,
      results: [expect.objectContaining({ title: 'data.csv' })],
    });
    expect(data.json.next).toMatch(/^http:\/\/[^/]+\/api\/files\/\?page_size=1&page=2$/);
    expect(data.meta.values['results.0.uploaded_at']).toEqual(['Date']);
  });
});
