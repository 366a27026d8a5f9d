/**
 * The editor's journey in the browser, with the REST API read back after each step: sign in as staff →
 * create a category → write a post (bold, a link, a list, a thumbnail, two tags) → publish → find it by
 * search → edit the title → delete → undo → delete → restore from the trash. Then a deep link with
 * page and filters survives a reload.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AdminEnv,
  openPage,
  type PageWatch,
  PNG,
  screenshot,
  signIn,
  startAdminEnv,
  type TestUser,
} from './harness.ts';

describe.runIf(process.env.LECTERN_TEST_DB === 'postgres')('admin: the editor’s journey', () => {
  let env: AdminEnv;
  let staff: TestUser;
  let token: string;
  let page: Page;
  let watch: PageWatch;

  beforeAll(async () => {
    env = await startAdminEnv();
    staff = await env.createUser('staff');
    token = await env.token(staff);
    ({ page, watch } = await openPage(env));
  }, 180_000);
  afterAll(async () => {
    await env?.close();
  });

  it('creates, publishes, finds, edits, deletes, undoes and restores a post, and the API agrees', async () => {
    const tag = Date.now().toString(36);
    const word = `zephyr${tag}`;

    // Sign in: the deep link we asked for is where we land.
    await page.goto(`${env.url}/admin/categories`);
    await page.waitForURL(/\/admin\/login\?redirect=/);
    await signIn(page, env, staff);
    await page.waitForURL(`${env.url}/admin/categories`);

    // A category.
    const categoryName = `Release notes ${tag}`;
    const newCategory = page.getByRole('form', { name: 'New category' });
    await newCategory.getByRole('textbox', { name: 'Name' }).fill(categoryName);
    await newCategory.getByRole('textbox', { name: 'Description' }).fill('What changed');
    await newCategory.getByRole('button', { name: 'Create category' }).click();
    await expect.poll(() => page.getByTestId('categories-table').textContent()).toContain(categoryName);
    const categories = await env.api('/api/categories/');
    const category = categories.body.find((c: { name: string }) => c.name === categoryName);
    expect(category).toMatchObject({ name: categoryName, description: 'What changed' });

    // A post: bold text, a link and a list through the toolbar; a thumbnail; two tags; published.
    await page.getByRole('link', { name: 'Posts', exact: true }).click();
    await page.getByRole('link', { name: 'New post' }).click();
    await page.getByRole('textbox', { name: 'Title' }).fill(`Launch ${word}`);
    const editor = page.getByTestId('body-editor');
    await editor.click();
    await page.keyboard.type('Intro with ');
    await page.getByRole('button', { name: 'Bold', exact: true }).click();
    await page.keyboard.type('bold words');
    await page.getByRole('button', { name: 'Bold', exact: true }).click();
    await page.keyboard.type(` and the keyword ${word}. `);
    await page.keyboard.type('Read the docs');
    for (let i = 0; i < 'the docs'.length; i++) await page.keyboard.press('Shift+ArrowLeft');
    await page.getByRole('button', { name: 'Link', exact: true }).click();
    const linkInput = page.getByRole('textbox', { name: 'Enter URL' });
    await linkInput.fill('https://example.com/docs');
    await linkInput.press('Enter');
    await editor.press('End');
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Bullet list' }).click();
    await page.keyboard.type('first item');
    await page.keyboard.press('Enter');
    await page.keyboard.type('second item');

    await page
      .locator('input[type="file"]')
      .setInputFiles({ name: 'cover.png', mimeType: 'image/png', buffer: PNG });
    await expect.poll(() => page.getByTestId('thumbnail-preview').getAttribute('src')).toMatch(/^blob:/);
    const tags = page.getByRole('combobox', { name: 'Tags' });
    await tags.fill('alpha');
    await tags.press('Enter');
    await tags.fill('Beta');
    await tags.press('Enter');
    await page.getByRole('combobox', { name: 'Categories' }).click();
    await page.getByRole('option', { name: categoryName }).click();
    await page.keyboard.press('Escape');
    await page.getByRole('switch', { name: 'Published' }).check();
    await screenshot(page, 'post-new-filled');
    await page.getByRole('button', { name: 'Create post' }).click();
    await page.waitForURL(/\/admin\/posts\/launch-/);
    const slug = decodeURIComponent(new URL(page.url()).pathname.split('/').pop() ?? '');
    await expect.poll(() => page.getByTestId('post-slug').textContent()).toContain(slug);

    const created = await env.api(`/api/posts/${slug}/`, { token });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({
      title: `Launch ${word}`,
      tags: ['alpha', 'Beta'],
      categories: [{ id: category.id, name: categoryName }],
      is_published: true,
    });
    expect(created.body.body).toContain('<strong>bold words</strong>');
    expect(created.body.body).toMatch(/<a [^>]*href="https:\/\/example\.com\/docs"[^>]*>the docs<\/a>/);
    expect(created.body.body).toMatch(
      /<ul>\s*<li>\s*<p>first item<\/p>\s*<\/li>\s*<li>\s*<p>second item<\/p>/,
    );
    expect(created.body.thumbnail).toMatch(/\/media\/.+\.png$/);
    // The editor shows the body as the server stored it.
    expect(await page.getByTestId('body-editor').innerHTML()).toContain('<strong>bold words</strong>');

    // Found by search in the table.
    await page.getByRole('link', { name: 'All posts' }).click();
    await page.getByRole('textbox', { name: 'Search' }).fill(word);
    await page.waitForURL(new RegExp(`search=${word}`));
    const row = page.locator(`tr[data-slug="${slug}"]`);
    await row.waitFor();
    await expect.poll(() => page.getByTestId('posts-table').locator('tbody tr').count()).toBe(1);
    const searched = await env.api(`/api/posts/?search=${word}`, { token });
    expect(searched.body.results.map((p: { slug: string }) => p.slug)).toEqual([slug]);
    await screenshot(page, 'posts-search');

    // Edit the title: the slug stays. Leaving with the change unsaved asks first.
    await row.getByRole('link', { name: `Launch ${word}` }).click();
    const title = page.getByRole('textbox', { name: 'Title' });
    await title.fill(`Launched ${word}`);
    await page.getByRole('link', { name: 'All posts' }).click();
    const leave = page.getByRole('dialog', { name: 'Leave without saving?' });
    await leave.waitFor();
    await leave.getByRole('button', { name: 'Stay' }).click();
    await leave.waitFor({ state: 'detached' });
    expect(page.url()).toContain(`/admin/posts/${slug}`);
    expect(await title.inputValue()).toBe(`Launched ${word}`);
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect
      .poll(async () => (await env.api(`/api/posts/${slug}/`, { token })).body.title)
      .toBe(`Launched ${word}`);
    expect((await env.api(`/api/posts/${slug}/`, { token })).body.slug).toBe(slug);

    // Delete, then undo from the notification: back, published as before.
    await page.getByRole('button', { name: 'Delete post' }).click();
    await page.waitForURL(`${env.url}/admin/posts`);
    await expect.poll(async () => (await env.api(`/api/posts/${slug}/`, { token })).status).toBe(404);
    const trash = await env.api('/api/posts/trash/', { token });
    expect(trash.body.results.map((p: { slug: string }) => p.slug)).toContain(slug);
    await page.getByRole('button', { name: 'Undo' }).click();
    // Restored, then published again as it was (two requests: poll until both are done).
    await expect
      .poll(async () => (await env.api(`/api/posts/${slug}/`, { token })).body.is_published)
      .toBe(true);

    // Delete again, and restore from the Trash view: back as a draft.
    await page.goto(`${env.url}/admin/posts/${slug}`);
    await page.getByRole('button', { name: 'Delete post' }).click();
    await expect.poll(async () => (await env.api(`/api/posts/${slug}/`, { token })).status).toBe(404);
    await page.getByRole('link', { name: 'Trash', exact: true }).click();
    const trashed = page.locator(`tr[data-slug="${slug}"]`);
    await trashed.getByRole('button', { name: /Restore/ }).click();
    await expect.poll(async () => (await env.api(`/api/posts/${slug}/`, { token })).status).toBe(200);
    const restored = await env.api(`/api/posts/${slug}/`, { token });
    expect(restored.body).toMatchObject({ title: `Launched ${word}`, is_published: false });
    await expect.poll(() => trashed.count()).toBe(0);

    expect(watch.problems).toEqual([]);
  }, 120_000);

  it('keeps the page and the filters of a deep link through a reload', async () => {
    const word = `quokka${Date.now().toString(36)}`;
    for (let i = 1; i <= 25; i++) {
      const answer = await env.api('/api/posts/', {
        token,
        method: 'POST',
        json: {
          title: `Deep ${word} ${String(i).padStart(2, '0')}`,
          body: `<p>${word}</p>`,
          is_published: true,
        },
      });
      expect(answer.status).toBe(201);
    }
    const query = `page=3&page_size=10&search=${word}&ordering=title&status=published`;
    const expected = await env.api(
      `/api/posts/?page=3&page_size=10&search=${word}&ordering=title&is_published=true`,
      {
        token,
      },
    );
    expect(expected.body.results).toHaveLength(5);
    const titles = expected.body.results.map((p: { title: string }) => p.title);

    const check = async () => {
      await page.getByTestId('posts-table').waitFor();
      await expect
        .poll(() => page.getByTestId('posts-table').locator('tbody tr td:first-child a').allTextContents())
        .toEqual(titles);
      expect(await page.getByRole('textbox', { name: 'Search' }).inputValue()).toBe(word);
      expect(await page.getByRole('button', { name: 'Page 3' }).getAttribute('data-active')).toBe('true');
      expect(await page.getByRole('radio', { name: 'Published' }).isChecked()).toBe(true);
    };
    await page.goto(`${env.url}/admin/posts?${query}`);
    await check();
    await page.reload();
    await check();
    expect(new URL(page.url()).searchParams.get('page')).toBe('3');
    await screenshot(page, 'posts');
    expect(watch.problems).toEqual([]);
  }, 60_000);
});
