/**
 * Webhooks on the REST door, both databases, with the server's default WEBHOOK_ALLOW_PRIVATE=false:
 * superusers only (staff 403, anonymous 401), a loopback URL refused with 400 WEBHOOK_ADDRESS_REFUSED,
 * the secret in the 201 answer only, the delivery log, ping, delete.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestApp, insertUser, type TestApp } from '../helpers.ts';

type User = Awaited<ReturnType<typeof insertUser>>;

describe('webhooks over REST', () => {
  let t: TestApp;
  let root: User;
  let staff: User;

  const api = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, headers = {}, payload?: object) =>
    t.app.inject({ method, url, headers, ...(payload ? { payload } : {}) });

  beforeAll(async () => {
    t = await createTestApp();
    root = await insertUser(t.testDb, { is_superuser: true, is_staff: true });
    staff = await insertUser(t.testDb, { is_staff: true });
  });
  afterAll(async () => {
    await t.close();
  });

  it('refuses staff, anonymous callers and non-public addresses', async () => {
    const body = { url: 'https://93.184.216.34/hook', events: ['post.published'] };
    const asStaff = await api('POST', '/api/webhooks/', bearer(staff.token), body);
    expect(asStaff.statusCode).toBe(403);
    expect(asStaff.json()).toMatchObject({ code: 'PERMISSION_DENIED' });
    expect((await api('GET', '/api/webhooks/', bearer(staff.token))).statusCode).toBe(403);
    expect((await api('GET', '/api/webhooks/')).json()).toMatchObject({ code: 'NOT_AUTHENTICATED' });

    for (const url of ['http://127.0.0.1:9000/hook', 'http://localhost/hook', 'http://[::1]/hook']) {
      const refused = await api('POST', '/api/webhooks/', bearer(root.token), { ...body, url });
      expect(refused.statusCode, url).toBe(400);
      expect(refused.json()).toEqual({
        detail: expect.stringContaining('Webhook URLs must reach a public address'),
        code: 'WEBHOOK_ADDRESS_REFUSED',
      });
    }
    const badScheme = await api('POST', '/api/webhooks/', bearer(root.token), {
      ...body,
      url: 'file:///etc/passwd',
    });
    expect(badScheme.statusCode).toBe(400);
    expect(badScheme.json()).toEqual({ url: ['Only http and https URLs are allowed.'] });
    expect((await api('GET', '/api/webhooks/', bearer(root.token))).json()).toMatchObject({ count: 0 });
  });

  it('creates (secret once), lists, updates, pings, shows the log and deletes', async () => {
    const created = await api('POST', '/api/webhooks/', bearer(root.token), {
      url: 'https://93.184.216.34/hook',
      events: ['post.published', 'post.unpublished'],
      description: 'Static site',
    });
    expect(created.statusCode, created.body).toBe(201);
    const hook = created.json() as { id: number; secret: string };
    expect(hook.secret).toMatch(/^whsec_/);

    const list = await api('GET', '/api/webhooks/', bearer(root.token));
    expect(list.statusCode).toBe(200);
    expect(list.body).not.toContain(hook.secret);
    expect(list.json()).toMatchObject({ count: 1, results: [{ id: hook.id, description: 'Static site' }] });

    const patched = await api('PATCH', `/api/webhooks/${hook.id}/`, bearer(root.token), { enabled: false });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({ enabled: false, events: ['post.published', 'post.unpublished'] });
    expect(patched.body).not.toContain(hook.secret);

    const ping = await api('POST', `/api/webhooks/${hook.id}/ping/`, bearer(root.token));
    expect(ping.statusCode).toBe(201);
    expect(ping.json()).toMatchObject({ event_type: 'webhook.ping', status: 'pending', attempts: 0 });
    const log = await api('GET', `/api/webhooks/${hook.id}/deliveries/?status=pending`, bearer(root.token));
    expect(log.statusCode).toBe(200);
    expect(log.json()).toMatchObject({
      count: 1,
      results: [{ id: ping.json().id, subject: `webhook:${hook.id}` }],
    });
    expect(
      (await api('GET', `/api/webhooks/${hook.id}/deliveries/?status=lost`, bearer(root.token))).statusCode,
    ).toBe(400);
    const pending = await api(
      'POST',
      `/api/webhooks/${hook.id}/deliveries/${ping.json().id}/redeliver/`,
      bearer(root.token),
    );
    expect(pending.statusCode).toBe(409);
    expect(pending.json()).toMatchObject({ code: 'CONFLICT' });

    expect((await api('DELETE', `/api/webhooks/${hook.id}/`, bearer(root.token))).statusCode).toBe(204);
    expect((await api('GET', `/api/webhooks/${hook.id}/`, bearer(root.token))).statusCode).toBe(404);
    expect((await api('GET', `/api/webhooks/${hook.id}/deliveries/`, bearer(root.token))).statusCode).toBe(
      404,
    );
  });
});
