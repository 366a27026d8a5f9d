import { createContentHelpers, createLecternClient, LecternError } from '@lectern/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyOfUrl, mediaFiles, PDF, PNG } from '../content-helpers.ts';
import { createTestApp, insertUser, type TestApp } from '../helpers.ts';

type User = Awaited<ReturnType<typeof insertUser>>;

describe("the seed's usage example over REST with plain fetch, and the SDK over a real port", () => {
  let t: TestApp;
  let base: string;
  let staff: User;
  let writer: User;
  let writerName: string;

  beforeAll(async () => {
    t = await createTestApp();
    staff = await insertUser(t.testDb, { is_staff: true });
    writer = await insertUser(t.testDb);
    writerName = (
      await t.testDb.db
        .selectFrom('users')
        .select('username')
        .where('id', '=', writer.id)
        .executeTakeFirstOrThrow()
    ).username;
    base = await t.app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('creates a post with a thumbnail by multipart, then filters published posts by category and search', async () => {
    const auth = (user: User) => ({ Authorization: `Bearer ${user.token}` });

    const categoryRes = await fetch(`${base}/api/categories/`, {
      method: 'POST',
      headers: { ...auth(staff), 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'Astronomy', description: 'Stars and such' }),
    });
    expect(categoryRes.status).toBe(201);
    const category = (await categoryRes.json()) as { id: number; slug: string };

    const form = new FormData();
    form.append('title', 'Watching the Perseids');
    form.append('body', '<p>The meteor shower peaks in <strong>August</strong>.</p>');
    form.append('tags', JSON.stringify(['sky', 'night']));
    form.append('categories', String(category.id));
    form.append('is_published', 'true');
    form.append('thumbnail', new Blob([PNG], { type: 'image/png' }), 'perseids.png');
    const created = await fetch(`${base}/api/posts/`, { method: 'POST', headers: auth(writer), body: form });
    expect(created.status).toBe(201);
    const post = (await created.json()) as { slug: string; thumbnail: string; tags: string[] };
    expect(post.tags).toEqual(['sky', 'night']);
    expect(post.thumbnail.startsWith(`${base}/media/`)).toBe(true);
    const image = await fetch(post.thumbnail);
    expect(image.status).toBe(200);
    expect(image.headers.get('content-type')).toBe('image/png');

    // Another published post in the category that does not match the search, and a draft that does.
    await fetch(`${base}/api/posts/`, {
      method: 'POST',
      headers: { ...auth(staff), 'Content-Type': 'application/json' },
      body: JSON.stringify({
        title: 'Telescopes',
        body: '<p>Lenses</p>',
        categories: [category.id],
        is_published: true,
      }),
    });
    await fetch(`${base}/api/posts/`, {
      method: 'POST',
      headers: { ...auth(staff), 'Content-Type': 'application/json' },
      body: JSON.stringify({ title: 'Meteor draft', categories: [category.id] }),
    });

    const query = new URLSearchParams({ is_published: 'true', categories: category.slug, search: 'meteor' });
    const listed = await fetch(`${base}/api/posts/?${query}`, { headers: auth(writer) });
    expect(listed.status).toBe(200);
    const page = (await listed.json()) as {
      count: number;
      results: Array<{ slug: string; author: { username: string } }>;
    };
    expect(page.count).toBe(1);
    expect(page.results.map((p) => p.slug)).toEqual([post.slug]);
    for (const result of page.results) expect(result.author.username).toBe(writerName);
  });

  it('offers the same through the SDK: typed posts.*, categories.*, files.* and the multipart helpers', async () => {
    const client = createLecternClient({ url: base });
    await client.auth.setTokens({ access: writer.token, refresh: 'not-used-here' });

    const categories = await client.categories.list.query();
    const astronomy = categories.find((c) => c.slug === 'astronomy');
    expect(astronomy).toBeDefined();

    const post = await client.createPostWithThumbnail(
      {
        title: 'From the SDK',
        body: '<p>Hello</p>',
        tags: ['sdk'],
        categories: [astronomy?.id ?? 0],
        is_published: true,
      },
      new Blob([PNG], { type: 'image/png' }),
      'sdk.png',
    );
    expect(post.created_at).toBeInstanceOf(Date);
    expect(post.published_at).toBeInstanceOf(Date);
    expect(post.categories).toEqual([expect.objectContaining({ slug: 'astronomy' })]);
    const viaTrpc = await client.posts.get.query({ slug: post.slug });
    expect(viaTrpc).toEqual(post);

    const list = await client.posts.list.query({
      categories: 'astronomy',
      is_published: true,
      page_size: 1,
    });
    expect(list.count).toBe(3);
    expect(list.next).toMatch(new RegExp(`^${base}/api/posts/\\?`));
    expect(list.results[0]?.created_at).toBeInstanceOf(Date);

    const cleared = await client.updatePostThumbnail(post.slug, null);
    expect(cleared.thumbnail).toBeNull();
    // The file stays while a revision names it: restoring that revision brings the picture back.
    expect(await mediaFiles(t)).toContain(keyOfUrl(post.thumbnail ?? ''));
    const replaced = await client.updatePostThumbnail(post.slug, new Blob([PNG]), 'again.png');
    expect(replaced.thumbnail).toMatch(/\.png$/);

    const file = await client.uploadFile(
      new Blob([PDF], { type: 'application/pdf' }),
      'Star chart',
      'chart.pdf',
    );
    expect(file).toMatchObject({ title: 'Star chart', content_type: 'application/pdf', size: PDF.length });
    expect(file.uploaded_at).toBeInstanceOf(Date);
    expect(await client.files.get.query({ id: String(file.id) })).toEqual(file);

    const refused = await client
      .uploadFile(new Blob(['<svg xmlns="http://www.w3.org/2000/svg"/>']), undefined, 'x.svg')
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(LecternError);
    expect(refused).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE', status: 415 });

    const invalid = await client
      .createPostWithThumbnail({ title: 'x', tags: ['y'.repeat(51)] }, new Blob([PNG]))
      .catch((e: unknown) => e);
    expect(invalid).toMatchObject({
      code: 'VALIDATION_ERROR',
      status: 400,
      fields: { tags: [expect.any(String)] },
    });

    await client.files.delete.mutate({ id: String(file.id) });
    await expect(client.files.get.query({ id: String(file.id) })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      status: 404,
    });
  });

  it('works standalone with any fetch and token source, refreshing once on TOKEN_INVALID', async () => {
    let token = 'expired.or.forged';
    let refreshed = 0;
    const helpers = createContentHelpers({
      baseUrl: base,
      fetch: globalThis.fetch,
      getAccessToken: () => token,
      refresh: async (used) => {
        expect(used).toBe('expired.or.forged');
        refreshed++;
        token = writer.token;
        return true;
      },
    });
    const file = await helpers.uploadFile(new Blob(['just text\n']), undefined, 'notes.txt');
    expect(refreshed).toBe(1);
    expect(file).toMatchObject({
      title: 'notes.txt',
      content_type: 'text/plain',
      uploaded_by: { id: writer.id },
    });

    const anonymous = createContentHelpers({
      baseUrl: base,
      fetch: globalThis.fetch,
      getAccessToken: () => undefined,
    });
    await expect(anonymous.uploadFile(new Blob(['x']))).rejects.toMatchObject({
      code: 'NOT_AUTHENTICATED',
      status: 401,
    });
  });
});
