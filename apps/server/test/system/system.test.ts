import { createLecternClient, LecternError, TRPCClientError } from '@lectern/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestApp, insertUser, type TestApp } from '../helpers.ts';

describe('system: health, errors, settings, maintenance', () => {
  let t: TestApp;
  let admin: { token: string };
  let member: { token: string };

  beforeAll(async () => {
    t = await createTestApp({ BODY_LIMIT: '2048' });
    admin = await insertUser(t.testDb, { is_superuser: true, is_staff: true });
    member = await insertUser(t.testDb);
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers the health check on both paths, with and without the trailing slash', async () => {
    for (const url of ['/health-check/', '/health-check', '/api/system/health', '/api/system/health/']) {
      const res = await t.app.inject({ url });
      expect(res.statusCode, url).toBe(200);
      expect(res.json()).toEqual({ status: 'healthy', maintenance: false, database: 'ok' });
      expect(res.headers['x-request-id']).toBeTruthy();
    }
  });

  it('answers JSON errors: malformed body 400, unknown path 404, over-limit body 413, array body 400', async () => {
    const headers = { 'content-type': 'application/json', ...bearer(admin.token) };
    const malformed = await t.app.inject({
      method: 'PATCH',
      url: '/api/system/settings/',
      headers,
      payload: '{"a":',
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json()).toMatchObject({ code: 'PARSE_ERROR' });

    for (const url of ['/nope', '/api/nope/']) {
      const missing = await t.app.inject({ url });
      expect(missing.statusCode, url).toBe(404);
      expect(missing.json()).toMatchObject({ code: 'NOT_FOUND', detail: expect.any(String) });
    }

    const big = JSON.stringify({ maintenance: false, padding: 'x'.repeat(4096) });
    const tooLarge = await t.app.inject({
      method: 'PATCH',
      url: '/api/system/settings',
      headers,
      payload: big,
    });
    expect(tooLarge.statusCode).toBe(413);
    expect(tooLarge.json()).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });

    const wrongMethod = await t.app.inject({ method: 'DELETE', url: '/api/system/health/' });
    expect(wrongMethod.statusCode).toBe(405);
    expect(wrongMethod.json()).toMatchObject({ code: 'METHOD_NOT_ALLOWED' });
    expect(wrongMethod.headers.allow).toBe('GET');

    const array = await t.app.inject({
      method: 'PATCH',
      url: '/api/system/settings',
      headers,
      payload: '[1]',
    });
    expect(array.statusCode).toBe(400);
    expect(array.json()).toHaveProperty('non_field_errors');

    const badField = await t.app.inject({
      method: 'PATCH',
      url: '/api/system/settings',
      headers,
      payload: { maintenance: 'sometimes' },
    });
    expect(badField.statusCode).toBe(400);
    expect(badField.json()).toEqual({ maintenance: [expect.any(String)] });
  });

  it('guards settings: 401 without a token, 401 TOKEN_INVALID for a bad one, 403 for a non-superuser', async () => {
    const anon = await t.app.inject({ url: '/api/system/settings/' });
    expect(anon.statusCode).toBe(401);
    expect(anon.json()).toEqual({ detail: expect.any(String), code: 'NOT_AUTHENTICATED' });
    const forged = await t.app.inject({ url: '/api/system/settings/', headers: bearer('abc.def.ghi') });
    expect(forged.statusCode).toBe(401);
    expect(forged.json()).toMatchObject({ code: 'TOKEN_INVALID' });
    const denied = await t.app.inject({ url: '/api/system/settings/', headers: bearer(member.token) });
    expect(denied.statusCode).toBe(403);
    expect(denied.json()).toMatchObject({ code: 'PERMISSION_DENIED' });
  });

  it('switches maintenance on: 503 body on REST, HTML for browsers, tRPC SERVICE_UNAVAILABLE; superuser exempt', async () => {
    const on = await t.app.inject({
      method: 'PATCH',
      url: '/api/system/settings/',
      headers: bearer(admin.token),
      payload: { maintenance: true },
    });
    expect(on.statusCode).toBe(200);
    expect(on.json()).toEqual({ maintenance: true, allow_registration: false, anonymous_read: false });

    const maintenanceBody = {
      detail: 'The site is under maintenance. Please try again later.',
      key: 'MAINTENANCE_MODE',
      CODE: 'MAT503',
    };
    const health = await t.app.inject({ url: '/health-check/' });
    expect(health.statusCode).toBe(503);
    expect(health.json()).toEqual(maintenanceBody);

    const rest = await t.app.inject({ url: '/api/system/settings', headers: bearer(member.token) });
    expect(rest.statusCode).toBe(503);
    expect(rest.json()).toEqual(maintenanceBody);

    const browser = await t.app.inject({ url: '/api/system/settings', headers: { accept: 'text/html' } });
    expect(browser.statusCode).toBe(503);
    expect(browser.headers['content-type']).toContain('text/html');
    expect(browser.body).toContain('under maintenance');

    const trpc = await t.app.inject({ url: '/trpc/system.settings.get', headers: bearer(member.token) });
    expect(trpc.statusCode).toBe(503);
    expect(trpc.json().error.json.data.code).toBe('MAINTENANCE_MODE');

    const superuser = await t.app.inject({ url: '/api/system/settings', headers: bearer(admin.token) });
    expect(superuser.statusCode).toBe(200);

    const off = await t.app.inject({
      method: 'PATCH',
      url: '/api/system/settings',
      headers: bearer(admin.token),
      payload: { maintenance: false },
    });
    expect(off.json()).toMatchObject({ maintenance: false });
    expect((await t.app.inject({ url: '/health-check/' })).statusCode).toBe(200);
  });

  it('reaches system.health through the SDK over a real port, and carries machine codes in tRPC errors', async () => {
    const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
    const client = createLecternClient({ url: address });
    await expect(client.system.health.query()).resolves.toEqual({
      status: 'healthy',
      maintenance: false,
      database: 'ok',
    });
    const error = await client.system.settings.get.query().catch((e: unknown) => e);
    // Procedure calls fail with LecternError, like the helpers; tRPC's error is its cause.
    expect(error).toBeInstanceOf(LecternError);
    expect(error).toMatchObject({ code: 'NOT_AUTHENTICATED', status: 401 });
    const cause = (error as LecternError).cause;
    expect(cause).toBeInstanceOf(TRPCClientError);
    expect((cause as TRPCClientError<never>).data).toMatchObject({
      code: 'NOT_AUTHENTICATED',
      httpStatus: 401,
    });
    expect(JSON.stringify((cause as TRPCClientError<never>).shape)).not.toContain('stack');
  });
});

describe('input coercion', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('does not turn strings into booleans on either door, even after REST calls', async () => {
    const admin = await insertUser(t.testDb, { is_superuser: true });
    for (let i = 0; i < 2; i++) {
      const rest = await t.app.inject({
        method: 'PATCH',
        url: '/api/system/settings',
        headers: bearer(admin.token),
        payload: { maintenance: 'false' },
      });
      expect(rest.statusCode).toBe(400);
      const trpc = await t.app.inject({
        method: 'POST',
        url: '/trpc/system.settings.update',
        headers: { ...bearer(admin.token), 'content-type': 'application/json' },
        payload: { json: { maintenance: 'yes' } },
      });
      expect(trpc.statusCode).toBe(400);
      expect(trpc.json().error.json.data).toMatchObject({
        code: 'VALIDATION_ERROR',
        fields: { maintenance: [expect.any(String)] },
      });
    }
    const settings = await t.app.inject({ url: '/api/system/settings', headers: bearer(admin.token) });
    expect(settings.json()).toEqual({ maintenance: false, allow_registration: false, anonymous_read: false });
  });
});

describe('HTTP hygiene: hosts, CORS, security headers', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({
      ALLOWED_HOSTS: 'cms.example.com,localhost',
      CORS_ORIGINS: 'https://app.example.com',
      NODE_ENV: 'production',
      JWT_SECRET: 'p'.repeat(40),
      ALLOW_PGLITE_IN_PRODUCTION: 'true',
    });
  });
  afterAll(async () => {
    await t.close();
  });

  it('refuses a Host that is not allowed', async () => {
    const bad = await t.app.inject({ url: '/health-check/', headers: { host: 'evil.example.net' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toEqual({ detail: 'Invalid Host header.', code: 'INVALID_HOST' });
    const good = await t.app.inject({ url: '/health-check/', headers: { host: 'cms.example.com' } });
    expect(good.statusCode).toBe(200);
  });

  it('answers CORS only for configured origins, and sends security headers with HSTS in production', async () => {
    const preflight = await t.app.inject({
      method: 'OPTIONS',
      url: '/api/system/health/',
      headers: {
        host: 'localhost',
        origin: 'https://app.example.com',
        'access-control-request-method': 'GET',
      },
    });
    expect(preflight.headers['access-control-allow-origin']).toBe('https://app.example.com');
    const other = await t.app.inject({
      url: '/api/system/health/',
      headers: { host: 'localhost', origin: 'https://other.example.com' },
    });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
    expect(other.headers['x-content-type-options']).toBe('nosniff');
    expect(other.headers['strict-transport-security']).toContain('max-age=');
  });
});
