/**
 * Maintenance mode from the admin: a superuser turns it on (after a confirmation), a second browser
 * context (a staff editor) shows the maintenance state, and turning it off restores both.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdminEnv, expectAccessible, openPage, screenshot, signIn, startAdminEnv } from './harness.ts';

describe.runIf(process.env.LECTERN_TEST_DB === 'postgres')('admin: maintenance mode', () => {
  let env: AdminEnv;

  beforeAll(async () => {
    env = await startAdminEnv();
  }, 180_000);
  afterAll(async () => {
    await env?.close();
  });

  it('is turned on after a confirmation, shows in another session, and off again restores both', async () => {
    const superuser = await env.createUser('superuser');
    const staff = await env.createUser('staff');
    // While maintenance is on, the health check answers 503 with the maintenance body.
    const health = async () => {
      const answer = await env.api('/health-check/');
      return answer.status === 503 && answer.body.key === 'MAINTENANCE_MODE';
    };

    const admin = await openPage(env);
    await signIn(admin.page, env, superuser);
    await admin.page.waitForURL(`${env.url}/admin/`);
    const editor = await openPage(env);
    await signIn(editor.page, env, staff);
    await editor.page.waitForURL(`${env.url}/admin/`);
    await editor.page.getByTestId('count-Users').waitFor();

    await admin.page.getByRole('link', { name: 'Settings', exact: true }).click();
    const maintenance = admin.page.getByRole('switch', { name: 'Maintenance mode' });
    await maintenance.click();
    // Nothing changes before the confirmation.
    const dialog = admin.page.getByRole('dialog', { name: 'Turn maintenance mode on?' });
    await dialog.waitFor();
    await admin.page.waitForTimeout(400);
    await expectAccessible(admin.page, 'settings-confirm');
    await screenshot(admin.page, 'settings-confirm');
    expect(await health()).toBe(false);
    await dialog.getByRole('button', { name: 'Turn maintenance on' }).click();
    await expect.poll(health).toBe(true);
    await expect.poll(() => maintenance.isChecked()).toBe(true);

    // The other session: its next request is refused, and it says why.
    await editor.page.getByRole('link', { name: 'Posts', exact: true }).click();
    await editor.page.getByTestId('maintenance-banner').waitFor();
    await expectAccessible(editor.page, 'maintenance-banner');
    await screenshot(editor.page, 'maintenance-banner');
    // A fresh visit to the sign-in page says so too.
    const visitor = await openPage(env);
    await visitor.page.goto(`${env.url}/admin/login`);
    await visitor.page.getByTestId('login-maintenance').waitFor();
    await expectAccessible(visitor.page, 'login-maintenance');
    await screenshot(visitor.page, 'login-maintenance');

    // Off again (no confirmation needed): both sessions come back by themselves.
    await maintenance.click();
    await expect.poll(health).toBe(false);
    await editor.page.getByTestId('maintenance-banner').waitFor({ state: 'detached', timeout: 15_000 });
    await editor.page.getByRole('heading', { name: 'Posts' }).waitFor();
    await editor.page.getByTestId('empty-state').waitFor();
    expect(await admin.page.getByTestId('maintenance-banner').count()).toBe(0);
    await visitor.page.getByTestId('login-maintenance').waitFor({ state: 'detached', timeout: 20_000 });

    for (const { watch } of [admin, editor, visitor]) expect(watch.problems).toEqual([]);
  }, 90_000);
});
