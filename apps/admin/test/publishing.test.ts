/**
 * The publishing screens in the browser, with the REST API read back after each step: a post's
 * history (revisions, word diff, restore), scheduling with the date-time picker in the browser's time
 * zone (badge, filter, server error on the field, cancel), content keys (shown once, copied, revoked)
 * the anonymous-read switch, and webhooks against a real loopback receiver (create with the secret
 * shown once, test delivery, failure, redeliver, edit, delete). axe on each new screen; screenshots
 * to test-results/.
 */
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AdminEnv,
  expectAccessible,
  openPage,
  type PageWatch,
  screenshot,
  signIn,
  startAdminEnv,
  type TestUser,
} from './harness.ts';

const ZONE = 'Europe/Paris';

describe.runIf(process.env.LECTERN_TEST_DB === 'postgres')('admin: publishing screens', () => {
  let env: AdminEnv;
  let superuser: TestUser;
  let token: string;
  let context: BrowserContext;
  let page: Page;
  let watch: PageWatch;
  let historySlug: string;
  let draftSlug: string;
  /** The webhook receiver: every request it got, and whether it answers 500 for now. */
  let receiver: Server;
  let receiverUrl: string;
  const received: Array<{ headers: Record<string, string | string[] | undefined>; body: string }> = [];
  let receiverFails = true;

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => {
        body += chunk.toString('utf8');
      });
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.writeHead(receiverFails ? 500 : 204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/lectern`;
    env = await startAdminEnv({
      // The receiver is on loopback; deliveries are tried quickly, once.
      WEBHOOK_ALLOW_PRIVATE: 'true',
      WEBHOOK_DELIVERY_INTERVAL_MS: '100',
      WEBHOOK_MAX_ATTEMPTS: '1',
    });
    superuser = await env.createUser('superuser');
    token = await env.token(superuser);
    // Three revisions: created, body edited, title edited.
    const post = await env.api('/api/posts/', {
      token,
      method: 'POST',
      json: { title: 'Foxes', body: '<p>The quick brown fox jumps.</p>', is_published: true },
    });
    expect(post.status).toBe(201);
    historySlug = post.body.slug;
    for (const patch of [{ body: '<p>The quick red fox leaps over the dog.</p>' }, { title: 'Red foxes' }]) {
      const saved = await env.api(`/api/posts/${historySlug}/`, { token, method: 'PATCH', json: patch });
      expect(saved.status).toBe(200);
    }
    const draft = await env.api('/api/posts/', {
      token,
      method: 'POST',
      json: { title: 'Launch announcement', body: '<p>Soon.</p>' },
    });
    draftSlug = draft.body.slug;

    // The browser lives in Paris: the picker's times are Paris times, named as such.
    context = await env.browser.newContext({ viewport: { width: 1280, height: 900 }, timezoneId: ZONE });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: env.url });
    ({ page, watch } = await openPage(env, context));
    await page.goto(`${env.url}/admin/login`);
    await signIn(page, env, superuser);
    await page.waitForURL(`${env.url}/admin/`);
  }, 180_000);
  afterAll(async () => {
    await env?.close();
    await new Promise((resolve) => receiver?.close(resolve));
  });

  it('lists revisions, shows a word diff from a shareable URL, and restores one', async () => {
    const revisions = await env.api(`/api/posts/${historySlug}/revisions/`, { token });
    expect(revisions.body.count).toBe(3);
    const oldest = revisions.body.results[2];
    expect(oldest.kind).toBe('create');

    await page.goto(`${env.url}/admin/posts/${historySlug}`);
    await page.getByTestId('body-editor').waitFor();
    await page.getByRole('tab', { name: 'History' }).click();
    await page.waitForURL(/[?&]tab=history/);
    const list = page.getByTestId('revision-list');
    await expect.poll(() => list.getByRole('link').count()).toBe(3);
    // Newest first, each with when, who and the title.
    const items = await list.getByRole('link').allTextContents();
    expect(items[0]).toContain('Red foxes');
    expect(items[0]).toContain(superuser.username);
    expect(items[2]).toContain('Foxes');
    expect(items[2]).toContain('Created');

    // By keyboard: the revisions are links.
    await list.locator(`[data-revision="${oldest.id}"]`).focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(new RegExp(`[?&]revision=${oldest.id}`));
    // The URL is shareable: a fresh load shows the same revision.
    await page.reload();
    const diff = page.getByTestId('body-diff');
    await diff.waitFor();
    expect(await list.locator(`[data-revision="${oldest.id}"]`).getAttribute('aria-current')).toBe('page');
    // From that revision to now: "brown" and "jumps" went, "red", "leaps over the dog" came.
    expect(await diff.locator('del').allTextContents()).toEqual(
      expect.arrayContaining([expect.stringContaining('brown'), expect.stringContaining('jumps')]),
    );
    const inserted = (await diff.locator('ins').allTextContents()).join(' ');
    expect(inserted).toContain('red');
    expect(inserted).toContain('leaps over the dog');
    // Not by colour alone: screen readers hear the change.
    expect(inserted).toContain('[added: ');
    expect(await page.getByTestId('diff-summary').textContent()).toMatch(
      /\d+ words? added, \d+ words? removed/,
    );
    expect(await page.getByTestId('title-diff').textContent()).toContain('Foxes');
    await page.waitForTimeout(300);
    await expectAccessible(page, 'post-history');
    await screenshot(page, 'post-history');

    // A revision that does not exist: an error where the diff would be, the list still there.
    await page.goto(`${env.url}/admin/posts/${historySlug}?tab=history&revision=999999`);
    await page.getByRole('alert').filter({ hasText: 'Not found' }).waitFor();
    expect(await list.getByRole('link').count()).toBe(3);
    await page.goBack();
    await diff.waitFor();

    await page.getByRole('button', { name: 'Restore this version' }).click();
    const dialog = page.getByRole('dialog', { name: 'Restore this version?' });
    await dialog.waitFor();
    await page.waitForTimeout(300); // the dialog's fade-in
    await expectAccessible(page, 'post-history-restore');
    await dialog.getByRole('button', { name: 'Restore', exact: true }).click();
    // Back on the editor, holding the content as the server returned it.
    await page.waitForURL((url) => !url.search.includes('tab=history'));
    await expect.poll(() => page.getByTestId('body-editor').textContent()).toBe('The quick brown fox jumps.');
    expect(await page.getByRole('textbox', { name: 'Title' }).inputValue()).toBe('Foxes');
    const restored = await env.api(`/api/posts/${historySlug}/`, { token });
    expect(restored.body).toMatchObject({ title: 'Foxes', body: '<p>The quick brown fox jumps.</p>' });
    const after = await env.api(`/api/posts/${historySlug}/revisions/`, { token });
    expect(after.body.count).toBe(4);
    expect(after.body.results[0]).toMatchObject({ kind: 'restore', restored_from: oldest.id });
    // Nothing is unsaved after a restore.
    expect(await page.getByTestId('unsaved').count()).toBe(0);
  });

  it('keeps the unsaved-changes guard across the tabs, and only when leaving the post', async () => {
    await page.goto(`${env.url}/admin/posts/${draftSlug}`);
    const title = page.getByRole('textbox', { name: 'Title' });
    await title.fill('Launch announcement (edited)');
    await page.getByTestId('unsaved').waitFor();
    await page.getByRole('tab', { name: 'History' }).click();
    await page.waitForURL(/[?&]tab=history/);
    expect(await page.getByRole('dialog', { name: 'Leave without saving?' }).count()).toBe(0);
    await page.getByRole('tab', { name: 'Edit' }).click();
    expect(await title.inputValue()).toBe('Launch announcement (edited)');
    await page.getByRole('link', { name: 'All posts' }).click();
    const guard = page.getByRole('dialog', { name: 'Leave without saving?' });
    await guard.waitFor();
    await guard.getByRole('button', { name: 'Stay' }).click();
    await title.fill('Launch announcement');
    await expect.poll(() => page.getByTestId('unsaved').count()).toBe(0);
  });

  it('schedules a draft in the local time zone, shows the badge and filter, and cancels', async () => {
    await page.goto(`${env.url}/admin/posts/${draftSlug}`);
    const field = page.getByRole('button', { name: 'Publish at' });
    await field.waitFor();
    expect(await page.getByText(`Times are in your time zone, ${ZONE}`).count()).toBe(1);
    expect(await field.textContent()).toContain('Not scheduled');
    await expectAccessible(page, 'post-not-scheduled');

    // The 15th of next month, 10:30 Paris time, through the picker.
    const now = new Date();
    const target = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 15));
    const dayLabel = `${target.getUTCDate()} ${target.toLocaleString('en-GB', { month: 'long', timeZone: 'UTC' })} ${target.getUTCFullYear()}`;
    const pick = async () => {
      await field.click();
      await page.getByRole('button', { name: 'Next month' }).click();
      await page.getByRole('button', { name: dayLabel, exact: true }).click();
      await page.getByRole('spinbutton', { name: 'Hours' }).fill('10');
      await page.getByRole('spinbutton', { name: 'Minutes' }).fill('30');
      await page.getByRole('button', { name: 'Use this date and time' }).click();
    };

    // A server error lands on the field: a scheduled post cannot be published too.
    await page.getByRole('switch', { name: 'Published' }).check();
    await pick();
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect.poll(() => page.getByText('A scheduled post stays a draft until its time').count()).toBe(1);
    const describedBy = (await field.getAttribute('aria-describedby')) ?? '';
    expect(describedBy).toMatch(/error/);
    await expectAccessible(page, 'post-schedule-error');
    expect((await env.api(`/api/posts/${draftSlug}/`, { token })).body.publish_at).toBeNull();

    await page.getByRole('switch', { name: 'Published' }).uncheck();
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    const badge = page.getByTestId('scheduled-badge').first();
    await badge.waitFor();
    const stored = await env.api(`/api/posts/${draftSlug}/`, { token });
    expect(stored.body.is_published).toBe(false);
    const at = new Date(stored.body.publish_at);
    // The instant stored is 10:30 on that day in Paris, whatever this machine's zone.
    expect(
      new Intl.DateTimeFormat('en-GB', { timeZone: ZONE, dateStyle: 'short', timeStyle: 'short' }).format(at),
    ).toBe(`15/${String(target.getUTCMonth() + 1).padStart(2, '0')}/${target.getUTCFullYear()}, 10:30`);
    expect(await badge.textContent()).toMatch(new RegExp(`Scheduled for 15 .+ 10:30 \\(${ZONE}\\)`));
    await page.waitForTimeout(300);
    await expectAccessible(page, 'post-scheduled');
    await screenshot(page, 'post-scheduled');

    // The posts table: the badge on the row, and the Scheduled filter lists only scheduled drafts.
    await page.goto(`${env.url}/admin/posts?status=scheduled`);
    const table = page.getByTestId('posts-table');
    await table.waitFor();
    await expect.poll(() => table.locator('tbody tr').count()).toBe(1);
    expect(await table.locator(`tr[data-slug="${draftSlug}"]`).getByTestId('scheduled-badge').count()).toBe(
      1,
    );
    expect(await page.getByRole('radio', { name: 'Scheduled' }).isChecked()).toBe(true);
    await expectAccessible(page, 'posts-scheduled');
    await screenshot(page, 'posts-scheduled');

    // Cancel: the schedule is cleared, the post stays a draft.
    await table.getByRole('link', { name: 'Launch announcement' }).click();
    await page.getByRole('button', { name: 'Cancel schedule' }).click();
    await page.getByTestId('scheduled-badge').first().waitFor({ state: 'detached' });
    const cancelled = await env.api(`/api/posts/${draftSlug}/`, { token });
    expect(cancelled.body).toMatchObject({ publish_at: null, is_published: false });
    expect(await page.getByTestId('unsaved').count()).toBe(0);
    await page.goto(`${env.url}/admin/posts?status=scheduled`);
    await page.getByTestId('empty-state').waitFor();
  });

  it('creates a content key shown once, then lists it by name, and revokes it', async () => {
    await page.getByRole('link', { name: 'Content keys' }).click();
    await page.waitForURL(`${env.url}/admin/content-keys`);
    await page.getByTestId('empty-state').waitFor();
    await expectAccessible(page, 'content-keys-empty');

    await page.getByRole('button', { name: 'New key' }).click();
    const dialog = page.getByRole('dialog', { name: 'New content key' });
    await dialog.getByRole('button', { name: 'Create key' }).click();
    await expect.poll(() => dialog.getByText('Give the key a name').count()).toBe(1);
    // The name field has the focus; Enter creates.
    await expect
      .poll(() =>
        dialog.getByRole('textbox', { name: 'Name' }).evaluate((el) => el === document.activeElement),
      )
      .toBe(true);
    await page.keyboard.type('Marketing site');
    await page.keyboard.press('Enter');
    const shown = page.getByTestId('shown-once');
    await shown.waitFor();
    const key = (await shown.textContent()) ?? '';
    expect(key).toMatch(/^lk_[A-Za-z0-9_-]{20,}$/);
    expect(
      await page.getByText('This is the only time the key is shown: you will not see it again.').count(),
    ).toBe(1);
    await page.getByRole('button', { name: 'Copy the key' }).click();
    await page.getByRole('button', { name: 'Copied', exact: true }).waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(key);
    await page.waitForTimeout(300); // the dialog's fade-in
    await expectAccessible(page, 'content-key-created');
    await screenshot(page, 'content-key-created');
    // The key works for reads.
    expect((await env.api(`/api/posts/?key=${key}`)).status).toBe(200);

    await page.getByRole('button', { name: 'Done, I have copied it' }).click();
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    const table = page.getByTestId('content-keys-table');
    await expect.poll(() => table.textContent()).toContain('Marketing site');
    // Only its name and prefix from now on.
    expect(await page.content()).not.toContain(key);
    const listed = await env.api('/api/content-keys/', { token });
    expect(listed.body.results).toHaveLength(1);
    expect(await table.textContent()).toContain(listed.body.results[0].prefix);
    await page.waitForTimeout(300);
    await expectAccessible(page, 'content-keys');
    await screenshot(page, 'content-keys');

    await table.getByRole('button', { name: 'Revoke Marketing site' }).click();
    const confirm = page.getByRole('dialog', { name: 'Revoke this key?' });
    await confirm.waitFor();
    await page.waitForTimeout(300); // the dialog's fade-in
    await expectAccessible(page, 'content-key-revoke');
    await confirm.getByRole('button', { name: 'Revoke key' }).click();
    await expect.poll(() => table.textContent()).toContain('Revoked');
    expect(await table.getByRole('button', { name: 'Revoke Marketing site' }).count()).toBe(0);
    expect((await env.api(`/api/posts/?key=${key}`)).status).toBe(401);
    const revoked = await env.api('/api/content-keys/', { token });
    expect(revoked.body.results[0].revoked_at).not.toBeNull();
  });

  it('switches anonymous read on and off, and the API follows', async () => {
    expect((await env.api('/api/posts/')).status).toBe(401);
    await page.getByRole('link', { name: 'Settings' }).click();
    const toggle = page.getByRole('switch', { name: 'Anonymous read' });
    await toggle.waitFor();
    expect(await toggle.isChecked()).toBe(false);
    expect(await page.getByText('without an account or a content key').count()).toBe(1);
    // The switch follows the server: it turns once the save is answered.
    await toggle.click();
    await expect
      .poll(async () => (await env.api('/api/system/settings/', { token })).body.anonymous_read)
      .toBe(true);
    await expect.poll(() => toggle.isChecked()).toBe(true);
    const open = await env.api('/api/posts/');
    expect(open.status).toBe(200);
    expect(open.body.results.map((p: { slug: string }) => p.slug)).toContain(historySlug);
    await page.waitForTimeout(300);
    await expectAccessible(page, 'settings-anonymous-read');
    await screenshot(page, 'settings-anonymous-read');

    await toggle.click();
    await expect
      .poll(async () => (await env.api('/api/system/settings/', { token })).body.anonymous_read)
      .toBe(false);
    expect((await env.api('/api/posts/')).status).toBe(401);
  });

  it('manages webhook endpoints: secret shown once, delivery log, redeliver, edit, delete', async () => {
    await page.getByRole('link', { name: 'Webhooks' }).click();
    await page.waitForURL(`${env.url}/admin/webhooks`);
    await page.getByTestId('empty-state').waitFor();
    await expectAccessible(page, 'webhooks-empty');

    await page.getByRole('button', { name: 'New endpoint' }).click();
    const form = page.getByRole('form', { name: 'New webhook endpoint' });
    const url = form.getByRole('textbox', { name: 'URL' });
    // The server's refusal lands under the URL.
    await url.fill('http://someone:secret@127.0.0.1:9/');
    await form.getByRole('button', { name: 'Create endpoint' }).click();
    await expect.poll(() => form.getByText('may not carry a user name or password').count()).toBe(1);
    await url.fill(receiverUrl);
    await form.getByRole('textbox', { name: 'Description' }).fill('Cache purger');
    await form.getByRole('checkbox', { name: 'post.updated' }).check();
    await form.getByRole('button', { name: 'Create endpoint' }).click();
    const secret = (await page.getByTestId('shown-once').textContent()) ?? '';
    expect(secret).toMatch(/^whsec_/);
    await page.waitForTimeout(300); // the dialog's fade-in
    await expectAccessible(page, 'webhook-created');
    await screenshot(page, 'webhook-created');
    await page.getByRole('button', { name: 'Done, I have copied it' }).click();
    // The dialog fades out before the screen is judged.
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    const table = page.getByTestId('webhooks-table');
    await expect.poll(() => table.textContent()).toContain(receiverUrl);
    expect(await page.content()).not.toContain(secret);
    const [hook] = (await env.api('/api/webhooks/', { token })).body.results;
    expect(hook).toMatchObject({
      url: receiverUrl,
      description: 'Cache purger',
      events: expect.arrayContaining(['post.published', 'post.updated']),
      enabled: true,
    });
    expect(hook).not.toHaveProperty('secret');
    await expectAccessible(page, 'webhooks');
    await screenshot(page, 'webhooks');

    // A test delivery the receiver refuses: failed, with its response code, in the log.
    await table.getByRole('link', { name: receiverUrl }).click();
    await page.waitForURL(`${env.url}/admin/webhooks/${hook.id}`);
    await page.getByTestId('empty-state').waitFor();
    await page.getByRole('button', { name: 'Send a test delivery' }).click();
    const log = page.getByTestId('deliveries-table');
    await expect.poll(() => log.locator('tr[data-status="failed"]').count(), { timeout: 15_000 }).toBe(1);
    const failed = log.locator('tr[data-status="failed"]');
    expect(await failed.textContent()).toContain('webhook.ping');
    expect(await failed.textContent()).toContain('500');
    expect(await failed.textContent()).toMatch(/\d+ ms/);
    // Signed with the secret shown once.
    const ping = received[0];
    expect(ping).toBeDefined();
    const timestamp = String(ping?.headers['lectern-webhook-timestamp']);
    expect(ping?.headers['lectern-webhook-signature']).toBe(
      `v1=${createHmac('sha256', secret).update(`${timestamp}.${ping?.body}`).digest('hex')}`,
    );

    // Redeliver once the receiver is back: a new delivery, delivered.
    receiverFails = false;
    await failed.getByRole('button', { name: /^Redeliver/ }).click();
    await expect.poll(() => log.locator('tr[data-status="succeeded"]').count(), { timeout: 15_000 }).toBe(1);
    expect(await log.locator('tr[data-status="succeeded"]').textContent()).toContain('204');
    expect(received).toHaveLength(2);
    expect(received[1]?.headers['lectern-webhook-event']).toBe('webhook.ping');
    const failedId = await failed.getAttribute('data-delivery-id');
    expect(await log.locator('tr[data-status="succeeded"]').textContent()).toContain(
      `redelivery of #${failedId}`,
    );
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.waitForTimeout(300);
    await expectAccessible(page, 'webhook-detail');
    await screenshot(page, 'webhook-detail');

    // Edit: pause it and drop an event.
    const edit = page.getByRole('form', { name: 'Edit webhook endpoint' });
    await edit.getByRole('checkbox', { name: 'post.updated' }).uncheck();
    await edit.getByRole('switch', { name: 'Enabled' }).uncheck();
    await edit.getByRole('button', { name: 'Save' }).click();
    await expect
      .poll(async () => (await env.api(`/api/webhooks/${hook.id}/`, { token })).body.enabled)
      .toBe(false);
    expect((await env.api(`/api/webhooks/${hook.id}/`, { token })).body.events).not.toContain('post.updated');

    // Delete, after a confirmation.
    await page.getByRole('button', { name: 'Delete endpoint' }).click();
    const confirm = page.getByRole('dialog', { name: 'Delete this endpoint?' });
    await confirm.getByRole('button', { name: 'Delete endpoint' }).click();
    await page.waitForURL(`${env.url}/admin/webhooks`);
    await page.getByTestId('empty-state').waitFor();
    expect((await env.api(`/api/webhooks/${hook.id}/`, { token })).status).toBe(404);
    expect(watch.problems).toEqual([]);
  }, 60_000);
});
