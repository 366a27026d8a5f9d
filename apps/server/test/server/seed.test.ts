/** `pnpm db:seed`'s data set, written through the API's own procedures: usable at once, written once. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiConfigFrom } from '../../src/config.ts';
import { DEMO_PASSWORD, seedDemo } from '../../src/seed.ts';
import { createTestApp, TEST_JWT_SECRET, type TestApp } from '../helpers.ts';

describe('the demo data set', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ PASSWORD_HASH_PROFILE: 'fast', RATE_LIMIT_ENABLED: 'false' });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('seeds accounts that can log in, posts with thumbnails, a draft, the trash and gallery files — once', async () => {
    const deps = { db: t.testDb.db, config: apiConfigFrom(t.env, TEST_JWT_SECRET), services: t.services };
    const first = await seedDemo(deps, 'http://localhost');
    expect(first).toMatchObject({ created: true, posts: 10 });

    const login = await t.app.inject({
      method: 'POST',
      url: '/api/users/login/',
      payload: { email: 'editor@demo.lectern', password: DEMO_PASSWORD },
    });
    expect(login.statusCode, login.body).toBe(200);
    expect(login.json().user).toMatchObject({ username: 'editor', is_staff: true });
    const auth = { authorization: `Bearer ${login.json().access}` };

    const posts = (await t.app.inject({ url: '/api/posts/?page_size=100', headers: auth })).json();
    expect(posts.count).toBe(9); // ten written, one in the trash
    expect(posts.results.filter((p: { is_published: boolean }) => !p.is_published)).toHaveLength(1);
    for (const post of posts.results) {
      expect(post.thumbnail).toMatch(/^http:\/\/localhost:80\/media\/.+\/posts\/.+\.png$/);
      const image = await t.app.inject({ url: new URL(post.thumbnail).pathname });
      expect(image.statusCode).toBe(200);
      expect(image.headers['content-type']).toBe('image/png');
    }
    expect((await t.app.inject({ url: '/api/posts/trash/', headers: auth })).json().count).toBe(1);
    expect((await t.app.inject({ url: '/api/categories/' })).json()).toHaveLength(4);
    expect((await t.app.inject({ url: '/api/files/', headers: auth })).json().count).toBe(2);

    expect(await seedDemo(deps, 'http://localhost')).toMatchObject({ created: false, posts: 0 });
    expect((await t.app.inject({ url: '/api/posts/trash/', headers: auth })).json().count).toBe(1);
  });
});
