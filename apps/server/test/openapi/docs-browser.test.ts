/**
 * /docs in a real browser: Debian's Chromium (driven by playwright-core) opens the reference page on a
 * listening server, which lists the documented paths with every asset served by Lectern itself; a
 * screenshot goes to test-results/docs-swagger-ui.png (and -posts.png).
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers.ts';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
/** The DOM of the page, as far as these checks read it (the server's tests compile without the DOM lib). */
type Named = { getAttribute(name: string): string | null; textContent: string | null };

const resultsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../test-results');

describe.runIf(process.env.LECTERN_TEST_DB === 'postgres')('/docs in headless Chromium', () => {
  let t: TestApp;
  let url: string;
  let browser: Browser;

  beforeAll(async () => {
    t = await createTestApp();
    url = await t.app.listen({ port: 0, host: '127.0.0.1' });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('lists the posts, users and system paths, loading nothing from outside the server', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const foreign: string[] = [];
    await page.route('**/*', (route) => {
      const target = route.request().url();
      if (target.startsWith(url) || target.startsWith('data:')) return route.continue();
      foreign.push(target);
      return route.abort();
    });
    const failed: string[] = [];
    page.on('requestfailed', (request) => {
      if (request.url().startsWith(url)) failed.push(request.url());
    });

    const response = await page.goto(`${url}/docs`, { waitUntil: 'networkidle' });
    expect(response?.status()).toBe(200);
    await page.locator('.opblock-summary-path').first().waitFor({ timeout: 20_000 });
    expect(await page.locator('.info .title').textContent()).toContain('Lectern API');

    const paths = await page
      .locator('.opblock-summary-path')
      // Runs in the page: no module-level helpers inside (only the type casts, erased on compile).
      .evaluateAll((nodes) =>
        nodes.map(
          (n) =>
            (n as unknown as Named).getAttribute('data-path') ?? (n as unknown as Named).textContent ?? '',
        ),
      );
    expect(paths).toEqual(
      expect.arrayContaining([
        '/api/posts',
        '/api/posts/{slug}',
        '/api/posts/{slug}/restore',
        '/api/posts/trash',
        '/api/users/login',
        '/api/system/health',
        '/health-check',
      ]),
    );
    const tags = await page
      .locator('.opblock-tag')
      .evaluateAll((nodes) => nodes.map((n) => (n as unknown as Named).getAttribute('data-tag')));
    expect(tags).toEqual(expect.arrayContaining(['posts', 'users', 'categories', 'files', 'system']));

    await mkdir(resultsDir, { recursive: true });
    await page.screenshot({ path: path.join(resultsDir, 'docs-swagger-ui.png') });
    await page
      .locator('.opblock-tag-section', { has: page.locator('[data-tag="posts"]') })
      .screenshot({ path: path.join(resultsDir, 'docs-swagger-ui-posts.png') });
    expect(foreign).toEqual([]);
    expect(failed).toEqual([]);
  }, 60_000);
});
