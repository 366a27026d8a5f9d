/**
 * Every screen in the browser with data in it: axe-core finds no serious or critical violation, the
 * CSP refuses nothing, and a screenshot of each goes to test-results/admin-<screen>.png. Then the
 * editor's journey by keyboard alone (up to the rich-text toolbar, which it does not need).
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AdminEnv,
  type AxeProblem,
  accessibilityProblems,
  openPage,
  PASSWORD,
  PNG,
  screenshot,
  signIn,
  startAdminEnv,
  type TestUser,
} from './harness.ts';

describe.runIf(process.env.LECTERN_TEST_DB === 'postgres')('admin: every screen', () => {
  let env: AdminEnv;
  let superuser: TestUser;
  let reader: TestUser;
  let postSlug: string;

  beforeAll(async () => {
    env = await startAdminEnv();
    superuser = await env.createUser('superuser');
    reader = await env.createUser('reader', { is_verified: false });
    const token = await env.token(superuser);
    const category = await env.api('/api/categories/', {
      token,
      method: 'POST',
      json: { name: 'Announcements', description: 'News from the team' },
    });
    await env.api('/api/categories/', { token, method: 'POST', json: { name: 'Guides' } });
    const form = new FormData();
    form.append('title', 'Welcome to Lectern');
    form.append('body', '<p>Hello <strong>world</strong>, see <a href="https://example.com">this</a>.</p>');
    form.append('tags', JSON.stringify(['news', 'welcome']));
    form.append('categories', JSON.stringify([category.body.id]));
    form.append('is_published', 'true');
    form.append('thumbnail', new Blob([new Uint8Array(PNG)], { type: 'image/png' }), 'cover.png');
    const post = await fetch(`${env.url}/api/posts/`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: form,
    });
    expect(post.status).toBe(201);
    postSlug = ((await post.json()) as { slug: string }).slug;
    await env.api('/api/posts/', {
      token,
      method: 'POST',
      json: { title: 'A draft in progress', tags: ['draft'] },
    });
    const old = await env.api('/api/posts/', { token, method: 'POST', json: { title: 'An old post' } });
    await env.api(`/api/posts/${old.body.slug}/`, { token, method: 'DELETE' });
    for (const [name, type, data] of [
      ['diagram.png', 'image/png', new Uint8Array(PNG)],
      ['notes.txt', 'text/plain', new TextEncoder().encode('Meeting notes\n')],
    ] as const) {
      const upload = new FormData();
      upload.append('file', new Blob([data], { type }), name);
      await fetch(`${env.url}/api/files/`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
        body: upload,
      });
    }
  }, 180_000);
  afterAll(async () => {
    await env?.close();
  });

  /** Serious or critical violations by screen, all screens judged before the test fails. */
  const problems: Record<string, AxeProblem[]> = {};
  const judge = async (page: Page, name: string) => {
    const found = await accessibilityProblems(page);
    if (found.length) problems[name] = found;
  };
  const visit = async (page: Page, path: string, ready: (page: Page) => Promise<unknown>, name: string) => {
    await page.goto(`${env.url}/admin${path}`);
    await ready(page);
    // Let transitions (notifications, skeletons) settle before judging and photographing.
    await page.waitForTimeout(400);
    await judge(page, name);
    await screenshot(page, name);
  };

  it('has no serious or critical accessibility violation on any screen', async () => {
    const { page, watch } = await openPage(env);
    await visit(page, '/login', (p) => p.getByRole('button', { name: 'Sign in' }).waitFor(), 'login');
    await signIn(page, env, superuser);
    await page.waitForURL(`${env.url}/admin/`);
    await visit(page, '/', (p) => p.getByTestId('count-Users').waitFor(), 'dashboard');
    await visit(page, '/posts', (p) => p.getByTestId('posts-table').waitFor(), 'posts');
    await visit(page, `/posts/${postSlug}`, (p) => p.getByTestId('body-editor').waitFor(), 'post-edit');
    await visit(page, '/posts/new', (p) => p.getByTestId('body-editor').waitFor(), 'post-new');
    await visit(page, '/trash', (p) => p.getByTestId('trash-table').waitFor(), 'trash');
    await visit(page, '/categories', (p) => p.getByTestId('categories-table').waitFor(), 'categories');
    await visit(page, '/files', (p) => p.getByTestId('files-grid').waitFor(), 'files');
    await visit(page, '/users', (p) => p.getByTestId('users-table').waitFor(), 'users');
    await visit(
      page,
      `/users/${reader.slug}`,
      (p) => p.getByRole('switch', { name: 'Superuser' }).waitFor(),
      'user',
    );
    await visit(
      page,
      '/settings',
      (p) => p.getByRole('switch', { name: 'Maintenance mode' }).waitFor(),
      'settings',
    );
    await visit(page, '/profile', (p) => p.getByRole('textbox', { name: 'Username' }).waitFor(), 'profile');
    await visit(
      page,
      '/posts?search=nothing-matches-this',
      (p) => p.getByTestId('empty-state').waitFor(),
      'posts-empty',
    );
    // The delete dialog of a category says what it detaches.
    await page.goto(`${env.url}/admin/categories`);
    await page.getByRole('button', { name: 'Delete Announcements' }).click();
    await expect.poll(() => page.getByTestId('category-usage').textContent()).toContain('1 post loses');
    await judge(page, 'category-delete');
    await screenshot(page, 'category-delete');
    expect(problems).toEqual({});
    expect(watch.problems).toEqual([]);
  }, 120_000);

  it('lets a staff editor without the superuser switches see the user page', async () => {
    const staff = await env.createUser('staff');
    const { page, context, watch } = await openPage(env);
    await signIn(page, env, staff);
    await page.waitForURL(`${env.url}/admin/`);
    await page.goto(`${env.url}/admin/users/${reader.slug}`);
    await page.getByRole('switch', { name: 'Email verified' }).waitFor();
    expect(await page.getByRole('switch', { name: 'Superuser' }).count()).toBe(0);
    expect(await page.getByRole('switch', { name: 'Staff' }).count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Settings', exact: true }).count()).toBe(0);
    await screenshot(page, 'user-as-staff');
    expect(watch.problems).toEqual([]);
    await context.close();
  }, 60_000);

  it('uploads by drag and drop with progress, and sets and removes a profile picture', async () => {
    const { page, context, watch } = await openPage(env);
    await signIn(page, env, superuser);
    await page.waitForURL(`${env.url}/admin/`);
    await page.getByRole('link', { name: 'Files', exact: true }).click();
    await page.getByTestId('files-grid').waitFor();
    // Record whether a progress bar was shown (uploads of a few bytes finish fast).
    await page.evaluate(() => {
      const seen = { progress: false };
      (window as unknown as { seen: typeof seen }).seen = seen;
      new MutationObserver(() => {
        if (document.querySelector('[aria-label^="Upload of"]')) seen.progress = true;
      }).observe(document.body, { subtree: true, childList: true });
    });
    const bytes = [...new Uint8Array(PNG)];
    await page.getByTestId('dropzone').evaluate((zone, data) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([new Uint8Array(data)], 'dropped.png', { type: 'image/png' }));
      for (const type of ['dragenter', 'dragover', 'drop']) {
        zone.dispatchEvent(new DragEvent(type, { dataTransfer: transfer, bubbles: true, cancelable: true }));
      }
    }, bytes);
    await page.getByRole('link', { name: 'dropped.png' }).waitFor();
    expect(
      await page.evaluate(() => (window as unknown as { seen: { progress: boolean } }).seen.progress),
    ).toBe(true);
    const files = await env.api('/api/files/?search=dropped', { token: await env.token(superuser) });
    expect(files.body.results).toHaveLength(1);
    expect(files.body.results[0]).toMatchObject({ title: 'dropped.png', content_type: 'image/png' });

    await page.getByRole('link', { name: 'My profile', exact: true }).click();
    await page.getByRole('button', { name: 'Add a picture' }).waitFor();
    const chooser = page.waitForEvent('filechooser');
    await page.getByRole('button', { name: 'Add a picture' }).click();
    await (await chooser).setFiles({ name: 'me.png', mimeType: 'image/png', buffer: PNG });
    await page.getByRole('button', { name: 'Remove picture' }).waitFor();
    const me = await env.api('/api/users/me/', { token: await env.token(superuser) });
    expect(me.body.profile_pic).toMatch(/\/media\/.+\.png$/);
    await page.getByRole('button', { name: 'Remove picture' }).click();
    await page.getByRole('button', { name: 'Add a picture' }).waitFor();
    expect(
      (await env.api('/api/users/me/', { token: await env.token(superuser) })).body.profile_pic,
    ).toBeNull();
    expect(watch.problems).toEqual([]);
    await context.close();
  }, 60_000);

  /** Presses Tab until the focused element matches, failing after `max` presses. */
  async function tabTo(page: Page, describe: string, matches: () => boolean, max = 60): Promise<void> {
    for (let i = 0; i < max; i++) {
      await page.keyboard.press('Tab');
      if (await page.evaluate(matches)) return;
    }
    throw new Error(`Tab never reached ${describe}`);
  }

  it('does the editor’s journey by keyboard alone', async () => {
    const { page, context, watch } = await openPage(env);
    await page.goto(`${env.url}/admin/login`);
    // The email field has the focus on arrival (once the app has rendered: on a busy
    // machine that can come after the page's load event, so wait for it).
    await page.waitForFunction(() => document.activeElement?.getAttribute('type') === 'email');
    await page.keyboard.type(superuser.email);
    await page.keyboard.press('Tab');
    await page.keyboard.type(PASSWORD);
    await page.keyboard.press('Enter');
    await page.waitForURL(`${env.url}/admin/`);
    await page.getByTestId('count-Users').waitFor();

    await tabTo(page, 'the Posts link', () => document.activeElement?.textContent?.trim() === 'Posts');
    await page.keyboard.press('Enter');
    await page.waitForURL(`${env.url}/admin/posts`);
    await tabTo(page, 'New post', () => document.activeElement?.textContent?.trim() === 'New post');
    await page.keyboard.press('Enter');
    await page.waitForURL(`${env.url}/admin/posts/new`);
    await page.getByTestId('body-editor').waitFor();
    const isLabelled = (label: string) =>
      `(() => { const el = document.activeElement; return !!el && 'labels' in el && [...(el.labels ?? [])].some((l) => l.textContent?.trim().startsWith('${label}')); })()`;
    for (let i = 0; i < 60 && !(await page.evaluate(isLabelled('Title'))); i++)
      await page.keyboard.press('Tab');
    await page.keyboard.type('Typed without a mouse');
    await tabTo(
      page,
      'the body',
      () => document.activeElement?.getAttribute('data-testid') === 'body-editor',
    );
    await page.keyboard.type('Plain words, then ');
    await page.keyboard.press('Control+b');
    await page.keyboard.type('strong ones');
    await page.keyboard.press('Control+b');
    await page.keyboard.type('.');
    for (let i = 0; i < 60 && !(await page.evaluate(isLabelled('Published'))); i++)
      await page.keyboard.press('Tab');
    await page.keyboard.press('Space');
    for (let i = 0; i < 60 && !(await page.evaluate(isLabelled('Tags'))); i++)
      await page.keyboard.press('Tab');
    await page.keyboard.type('keyboard');
    await page.keyboard.press('Enter');
    await tabTo(page, 'Create post', () => document.activeElement?.textContent?.trim() === 'Create post');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/admin\/posts\/typed-without-a-mouse-/);
    const slug = new URL(page.url()).pathname.split('/').pop() ?? '';
    const saved = await env.api(`/api/posts/${slug}/`, { token: await env.token(superuser) });
    expect(saved.body).toMatchObject({
      title: 'Typed without a mouse',
      is_published: true,
      tags: ['keyboard'],
    });
    expect(saved.body.body).toContain('<strong>strong ones</strong>');
    expect(watch.problems).toEqual([]);
    await context.close();
  }, 90_000);
});
