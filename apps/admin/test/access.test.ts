/**
 * Who gets in and what the server says, in the browser: a verified non-staff account is refused (its
 * refresh token revoked, nothing kept), a wrong password shows the server's message and repeated ones
 * its 429 with when to retry, an expired access token is refreshed without the user noticing, a
 * refused upload (SVG, over the size limit) shows the server's reason, and a 400 shows its messages
 * under the right fields.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AdminEnv,
  expectAccessible,
  openPage,
  screenshot,
  signIn,
  startAdminEnv,
  type TestUser,
} from './harness.ts';

const ACCESS_TTL_SECONDS = 3;
const UPLOAD_MAX_BYTES = 50_000;

describe.runIf(process.env.LECTERN_TEST_DB === 'postgres')('admin: access and server answers', () => {
  let env: AdminEnv;
  let staff: TestUser;

  beforeAll(async () => {
    env = await startAdminEnv({
      ACCESS_TOKEN_TTL_SECONDS: String(ACCESS_TTL_SECONDS),
      UPLOAD_MAX_BYTES: String(UPLOAD_MAX_BYTES),
    });
    staff = await env.createUser('staff');
  }, 180_000);
  afterAll(async () => {
    await env?.close();
  });

  const storedRefresh = (page: Page) => page.evaluate(() => sessionStorage.getItem('lectern.admin.refresh'));

  it('refuses a verified non-staff account and revokes the tokens it was given', async () => {
    const reader = await env.createUser('reader');
    const { page, context, watch } = await openPage(env);
    await page.goto(`${env.url}/admin/`);
    await page.waitForURL(/\/admin\/login/);
    const login = page.waitForResponse((r) => r.url().includes('users.login'));
    await signIn(page, env, reader);
    const issued = /"refresh":"([^"]+)"/.exec(await (await login).text())?.[1];
    expect(issued).toBeTruthy();
    await page.getByText('This account is not a staff account: the admin is for staff only.').waitFor();
    expect(page.url()).toContain('/admin/login');
    expect(await storedRefresh(page)).toBeNull();
    // Dropped on the server too: the refresh token it was issued no longer works.
    await expect
      .poll(
        async () =>
          (await env.api('/api/users/token/refresh/', { method: 'POST', json: { refresh: issued } })).status,
      )
      .toBe(401);
    await screenshot(page, 'login-not-staff');
    expect(watch.problems).toEqual([]);
    await context.close();
  }, 60_000);

  it("shows the server's message for a wrong password, and when to retry after too many", async () => {
    const { page, context, watch } = await openPage(env);
    await page.goto(`${env.url}/admin/login`);
    const wrong = await env.api('/api/users/login/', {
      method: 'POST',
      json: { email: 'nobody@test.lectern', password: 'not-the-password' },
    });
    expect(wrong.status).toBe(401);
    const victim: TestUser = { ...staff, email: `locked-${Date.now()}@test.lectern` };
    await signIn(page, env, victim, 'not-the-password');
    await page.getByText(wrong.body.detail).waitFor();
    await expectAccessible(page, 'login-wrong-password');
    await screenshot(page, 'login-wrong-password');
    // The lockout: after five failures the server answers 429 with Retry-After.
    for (let i = 0; i < 5; i++) {
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForResponse((r) => r.url().includes('users.login'));
    }
    await page.getByText(/Try again in \d+ (s|min)\./).waitFor();
    expect(await page.getByRole('alert').textContent()).toMatch(/Too many requests|Could not sign in/);
    expect(watch.problems).toEqual([]);
    await context.close();
  }, 60_000);

  it('refreshes an expired access token without the user noticing, and keeps the session across a reload', async () => {
    const { page, context, watch } = await openPage(env);
    const refreshes: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes('users.refreshToken')) refreshes.push(r.url());
    });
    await signIn(page, env, staff);
    await page.waitForURL(`${env.url}/admin/`);
    await page.getByTestId('count-Users').waitFor();
    expect(refreshes).toHaveLength(0);
    await page.waitForTimeout((ACCESS_TTL_SECONDS + 1.5) * 1000);
    await page.getByRole('link', { name: 'Users', exact: true }).click();
    await page.getByTestId('users-table').waitFor();
    expect(page.url()).toBe(`${env.url}/admin/users`);
    expect(refreshes.length).toBeGreaterThanOrEqual(1);
    // A reload: the access token (memory) is gone, the refresh token (sessionStorage) brings it back.
    const before = await storedRefresh(page);
    await page.reload();
    await page.getByTestId('users-table').waitFor();
    expect(page.url()).toBe(`${env.url}/admin/users`);
    expect(await storedRefresh(page)).not.toBe(before);
    // Signing out revokes the refresh token on the server.
    const last = await storedRefresh(page);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/admin\/login/);
    expect(await storedRefresh(page)).toBeNull();
    const reuse = await env.api('/api/users/token/refresh/', { method: 'POST', json: { refresh: last } });
    expect(reuse.status).toBe(401);
    expect(watch.problems).toEqual([]);
    await context.close();
  }, 60_000);

  it('sends a session the server no longer accepts to sign in, then back to the page it was on', async () => {
    const { page, context, watch } = await openPage(env);
    await signIn(page, env, staff);
    await page.waitForURL(`${env.url}/admin/`);
    await page.goto(`${env.url}/admin/users?staff=true`);
    await page.getByTestId('users-table').waitFor();
    // Revoked elsewhere (as a sign-out in another place would): once the access token expires, the
    // refresh is refused and the next request is a 401.
    const refresh = await storedRefresh(page);
    const revoked = await env.api('/api/users/logout/', {
      token: await env.token(staff),
      method: 'POST',
      json: { refresh },
    });
    expect(revoked.status).toBe(204);
    await page.waitForTimeout((ACCESS_TTL_SECONDS + 1.5) * 1000);
    await page.locator('label', { hasText: /^Yes$/ }).first().click();
    await page.waitForURL(/\/admin\/login\?redirect=/);
    await page.getByText('Your session has ended: sign in again.').waitFor();
    await signIn(page, env, staff);
    await page.waitForURL(/\/admin\/users\?/);
    await page.getByTestId('users-table').waitFor();
    const back = new URL(page.url()).searchParams;
    expect([back.get('staff'), back.get('verified')]).toEqual(['true', 'true']);
    expect(watch.problems).toEqual([]);
    await context.close();
  }, 60_000);

  it("explains a refused upload with the server's reason", async () => {
    const token = await env.token(staff);
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><rect width="1" height="1"/></svg>');
    const big = Buffer.alloc(UPLOAD_MAX_BYTES + 10_000, 'a');
    const restReason = async (name: string, type: string, data: Buffer) => {
      const form = new FormData();
      form.append('file', new Blob([new Uint8Array(data)], { type }), name);
      const response = await fetch(`${env.url}/api/files/`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
        body: form,
      });
      return { status: response.status, detail: ((await response.json()) as { detail: string }).detail };
    };
    const svgAnswer = await restReason('drawing.svg', 'image/svg+xml', svg);
    expect(svgAnswer.status).toBe(415);
    const bigAnswer = await restReason('big.txt', 'text/plain', big);
    expect(bigAnswer.status).toBe(413);

    const { page, context, watch } = await openPage(env);
    await signIn(page, env, staff);
    await page.waitForURL(`${env.url}/admin/`);
    await page.getByRole('link', { name: 'Files', exact: true }).click();
    await page.getByTestId('empty-state').waitFor();
    const input = page.locator('input[type="file"]');
    await input.setInputFiles({ name: 'drawing.svg', mimeType: 'image/svg+xml', buffer: svg });
    const refusedSvg = page.getByTestId('upload-refused').filter({ hasText: 'drawing.svg was refused' });
    await refusedSvg.waitFor();
    expect(await refusedSvg.textContent()).toContain(svgAnswer.detail);
    await input.setInputFiles({ name: 'big.txt', mimeType: 'text/plain', buffer: big });
    const refusedBig = page.getByTestId('upload-refused').filter({ hasText: 'big.txt was refused' });
    await refusedBig.waitFor();
    expect(await refusedBig.textContent()).toContain(bigAnswer.detail);
    await expectAccessible(page, 'files-refused');
    await screenshot(page, 'files-refused');
    // Nothing was stored.
    expect((await env.api('/api/files/', { token: await env.token(staff) })).body.count).toBe(0);
    expect(watch.problems).toEqual([]);
    await context.close();
  }, 60_000);

  it("shows a 400's messages under the right fields", async () => {
    const token = await env.token(staff);
    const name = `Duplicate ${Date.now()}`;
    expect((await env.api('/api/categories/', { token, method: 'POST', json: { name } })).status).toBe(201);
    const again = await env.api('/api/categories/', {
      token,
      method: 'POST',
      json: { name: name.toUpperCase() },
    });
    expect(again.status).toBe(400);
    const nameMessage: string = again.body.name[0];

    const { page, context, watch } = await openPage(env);
    await signIn(page, env, staff);
    await page.waitForURL(`${env.url}/admin/`);
    await page.getByRole('link', { name: 'Categories', exact: true }).click();
    const form = page.getByRole('form', { name: 'New category' });
    const nameInput = form.getByRole('textbox', { name: 'Name' });
    await nameInput.fill(name.toUpperCase());
    await form.getByRole('button', { name: 'Create category' }).click();
    await expect.poll(() => nameInput.getAttribute('aria-invalid')).toBe('true');
    const describedBy = (await nameInput.getAttribute('aria-describedby')) ?? '';
    const errorId = describedBy.split(' ').find((id) => id.endsWith('-error'));
    expect(errorId).toBeTruthy();
    expect(await page.locator(`[id="${errorId}"]`).textContent()).toBe(nameMessage);

    // My profile: a username the server refuses, its message under Username only.
    await page.getByRole('link', { name: 'My profile', exact: true }).click();
    const username = page.getByRole('textbox', { name: 'Username' });
    await username.fill('no spaces allowed');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => username.getAttribute('aria-invalid')).toBe('true');
    const refused = await env.api(`/api/users/${staff.slug}/`, {
      token: await env.token(staff),
      method: 'PATCH',
      json: { username: 'no spaces allowed' },
    });
    expect(refused.status).toBe(400);
    await page.getByText(refused.body.username[0]).waitFor();
    expect(await page.getByRole('textbox', { name: 'Bio' }).getAttribute('aria-invalid')).not.toBe('true');
    await expectAccessible(page, 'profile-400');
    await screenshot(page, 'profile-400');
    expect(watch.problems).toEqual([]);
    await context.close();
  }, 60_000);
});
