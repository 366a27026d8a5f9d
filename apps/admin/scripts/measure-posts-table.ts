/**
 * Time to a usable posts table in Chromium: from navigation start to the first page's rows rendered
 * (the app loaded, the session restored from its refresh token, the page of posts and its count read).
 *
 *   node --import tsx scripts/measure-posts-table.ts http://127.0.0.1:8000 email password
 *
 * Point it at a server on a seeded database (`pnpm bench:seed` makes 100,000 posts; its staff accounts
 * are reader0001…reader0005@bench.lectern.test with the bench password of bench/src/data.ts).
 */
import { chromium } from 'playwright-core';

const [url, email, password] = process.argv.slice(2);
if (!url || !email || !password) throw new Error('usage: measure-posts-table.ts URL EMAIL PASSWORD');

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run'],
});
const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
const page = await context.newPage();
await page.goto(`${url}/admin/login`);
await page.getByRole('textbox', { name: 'Email' }).fill(email);
await page.getByRole('textbox', { name: 'Password' }).fill(password);
await page.getByRole('button', { name: 'Sign in' }).click();
await page.waitForURL(`${url}/admin/`);

async function usable(path: string): Promise<number> {
  await page.goto(`${url}/admin${path}`);
  await page.locator('[data-testid="posts-table"] tbody tr').first().waitFor({ timeout: 60_000 });
  return page.evaluate(() => Math.round(performance.now()));
}

const cases = [
  ['first page', '/posts'],
  ['page 2,000 (20 a page)', '/posts?page=2000'],
  ['drafts, sorted by title', '/posts?status=draft&ordering=title'],
  ['full-text search', '/posts?search=packet'],
] as const;
for (const [label, path] of cases) {
  const runs: number[] = [];
  for (let i = 0; i < 4; i++) runs.push(await usable(path));
  console.log(`${label.padEnd(26)} first ${runs[0]} ms, then ${runs.slice(1).join(' / ')} ms`);
}
await browser.close();
