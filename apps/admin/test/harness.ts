/**
 * The admin's browser tests: a real server process (apps/server) on this test file's own PostgreSQL
 * database, serving the freshly built app at /admin/, driven by Debian's Chromium through
 * playwright-core. Screenshots go to test-results/ at the repository root.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { PasswordHasher } from '@lectern/api';
import { openTestDb, type TestDb } from '@lectern/db/testing';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { type ServerProc, startServer, stopServer } from '../../server/test/server-process.ts';

const run = promisify(execFile);
const adminDir = path.resolve(import.meta.dirname, '..');
const repoRoot = path.resolve(adminDir, '../..');
export const resultsDir = path.join(repoRoot, 'test-results');

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const PASSWORD = 'Quartz-Lantern-Ferry-41';
export const JWT_SECRET = 'admin-test-secret-0123456789-0123456789-0123';

async function newestMtime(dir: string): Promise<number> {
  let newest = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    newest = Math.max(newest, (await stat(path.join(entry.parentPath, entry.name))).mtimeMs);
  }
  return newest;
}

/**
 * Builds apps/admin when dist is missing or older than its sources (the SDK's included), so the
 * tests always drive the current code. Test files start together: one builds, the others wait.
 */
export async function ensureAdminBuilt(): Promise<void> {
  const index = path.join(adminDir, 'dist/index.html');
  const sources = Math.max(
    await newestMtime(path.join(adminDir, 'src')),
    await newestMtime(path.join(repoRoot, 'packages/sdk/src')),
    (await stat(path.join(adminDir, 'index.html'))).mtimeMs,
  );
  const fresh = async () => (await stat(index).catch(() => null))?.mtimeMs ?? 0;
  if ((await fresh()) >= sources) return;
  const lock = path.join(adminDir, '.build-lock');
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      await mkdir(lock);
      break;
    } catch {
      if (Date.now() > deadline) throw new Error('waited 3 minutes for another test file to build the admin');
      await sleep(500);
    }
  }
  try {
    if ((await fresh()) < sources) {
      const vitePackage = createRequire(path.join(adminDir, 'package.json')).resolve('vite/package.json');
      const vite = path.join(path.dirname(vitePackage), 'bin/vite.js');
      await run(process.execPath, [vite, 'build', '--logLevel', 'warn'], { cwd: adminDir });
    }
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}

export interface TestUser {
  id: number;
  email: string;
  username: string;
  slug: string;
}

export interface AdminEnv {
  url: string;
  testDb: TestDb;
  server: ServerProc;
  browser: Browser;
  createUser(role: 'superuser' | 'staff' | 'reader', fields?: { is_verified?: boolean }): Promise<TestUser>;
  /** A fresh REST access token for a user (plain HTTP login, as any API client). */
  token(user: TestUser): Promise<string>;
  /** Plain HTTP on /api/... with an optional token; resolves the status and the parsed body. */
  api(pathAndQuery: string, init?: { token?: string; method?: string; json?: unknown }): Promise<ApiAnswer>;
  close(): Promise<void>;
}

export interface ApiAnswer {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: test assertions read arbitrary JSON answers.
  body: any;
}

export async function startAdminEnv(env: Record<string, string> = {}): Promise<AdminEnv> {
  await ensureAdminBuilt();
  const testDb = await openTestDb();
  if (!testDb.databaseUrl) throw new Error('the admin browser tests run on PostgreSQL only');
  const dataDir = await mkdtemp(path.join(tmpdir(), 'lectern-admin-'));
  const server = await startServer({
    NODE_ENV: 'test',
    DATABASE_URL: testDb.databaseUrl,
    DATA_DIR: dataDir,
    JWT_SECRET,
    PASSWORD_HASH_PROFILE: 'fast',
    SETTINGS_CACHE_MS: '0',
    LOG_LEVEL: 'warn',
    DB_POOL_SIZE: '4',
    ...env,
  });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  const hasher = new PasswordHasher('fast');
  const hash = await hasher.hash(PASSWORD);

  const api: AdminEnv['api'] = async (pathAndQuery, init = {}) => {
    const headers: Record<string, string> = {};
    if (init.token) headers.authorization = `Bearer ${init.token}`;
    if (init.json !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${server.url}${pathAndQuery}`, {
      method: init.method ?? 'GET',
      headers,
      ...(init.json !== undefined ? { body: JSON.stringify(init.json) } : {}),
    });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      // not JSON: keep the text
    }
    return { status: response.status, body };
  };

  return {
    url: server.url,
    testDb,
    server,
    browser,
    async createUser(role, fields = {}) {
      const tag = randomUUID().slice(0, 8);
      const row = await testDb.db
        .insertInto('users')
        .values({
          email: `${role}-${tag}@test.lectern`,
          username: `${role}_${tag}`,
          slug: `${role}-${tag}-${tag}`,
          password_hash: hash,
          is_verified: fields.is_verified ?? true,
          is_staff: role !== 'reader',
          is_superuser: role === 'superuser',
        })
        .returning(['id', 'email', 'username', 'slug'])
        .executeTakeFirstOrThrow();
      return row;
    },
    async token(user) {
      // Not cached: a test server may run with access tokens that live a few seconds.
      const answer = await api('/api/users/login/', {
        method: 'POST',
        json: { email: user.email, password: PASSWORD },
      });
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      return answer.body.access as string;
    },
    api,
    async close() {
      await browser.close().catch(() => {});
      await stopServer(server);
      await testDb.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** What a page did wrong while a test drove it: script errors, CSP refusals, failed same-origin loads. */
export interface PageWatch {
  problems: string[];
}

export async function openPage(
  env: AdminEnv,
  context?: BrowserContext,
): Promise<{ page: Page; context: BrowserContext; watch: PageWatch }> {
  const ctx = context ?? (await env.browser.newContext({ viewport: { width: 1280, height: 900 } }));
  const page = await ctx.newPage();
  const watch: PageWatch = { problems: [] };
  page.on('pageerror', (error) => watch.problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    const text = message.text();
    if (/Content Security Policy|Refused to/i.test(text)) watch.problems.push(`CSP: ${text}`);
  });
  // Everything the app loads comes from the server itself: nothing from a CDN.
  await page.route('**/*', (route) => {
    const target = route.request().url();
    if (target.startsWith(env.url) || target.startsWith('data:') || target.startsWith('blob:')) {
      return route.continue();
    }
    watch.problems.push(`foreign request: ${target}`);
    return route.abort();
  });
  return { page, context: ctx, watch };
}

export async function signIn(page: Page, env: AdminEnv, user: TestUser, password = PASSWORD): Promise<void> {
  if (!page.url().includes('/admin/login')) await page.goto(`${env.url}/admin/login`);
  await page.getByRole('textbox', { name: 'Email' }).fill(user.email);
  await page.getByRole('textbox', { name: 'Password' }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(resultsDir, { recursive: true });
  await page.screenshot({ path: path.join(resultsDir, `admin-${name}.png`), fullPage: true });
}

const axeSource = (async () => {
  const file = createRequire(path.join(adminDir, 'package.json')).resolve('axe-core/axe.min.js');
  const { readFile } = await import('node:fs/promises');
  return readFile(file, 'utf8');
})();

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: unknown[] }>;
}

/**
 * axe-core on the page as it is: no serious or critical violation. The script goes in through the
 * DevTools protocol (page.evaluate), not a <script> tag, which the app's CSP would rightly refuse.
 */
export async function accessibilityProblems(page: Page): Promise<AxeProblem[]> {
  const source = await axeSource;
  await page.evaluate(source);
  const violations = await page.evaluate(async () => {
    const axe = (
      window as unknown as { axe: { run: (ctx: Document) => Promise<{ violations: AxeViolation[] }> } }
    ).axe;
    const result = await axe.run(document);
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => JSON.stringify(n.target)).slice(0, 5),
    }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

export interface AxeProblem {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

export async function expectAccessible(page: Page, screen: string): Promise<void> {
  const severe = await accessibilityProblems(page);
  expect(severe, `${screen}: ${JSON.stringify(severe, null, 2)}`).toEqual([]);
}

/** A 1×1 PNG and a small valid JPEG-free GIF, for thumbnails and gallery uploads. */
export const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);
