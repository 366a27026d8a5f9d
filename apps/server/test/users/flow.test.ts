import { createLecternClient, LecternError } from '@lectern/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AccountsApp,
  accountsApp,
  expectNoSecrets,
  STRONG,
  uniqueEmail,
  uniqueName,
} from '../accounts-helpers.ts';

describe('accounts: the whole flow over REST (fetch) and through the SDK, codes by real SMTP', () => {
  let a: AccountsApp;
  const codes: string[] = [];

  beforeAll(async () => {
    a = await accountsApp();
  });
  afterAll(async () => {
    await a.closeAll();
  });

  it('register → code by SMTP → verify → login → me → refresh → logout over REST', async () => {
    const email = uniqueEmail('flow');
    const username = uniqueName('Flow User');
    const reg = await a.call('POST', '/api/users/register/', {
      body: { email, password: STRONG, username: username.replace(' ', '') },
    });
    expect(reg.status, reg.raw).toBe(201);
    expect(reg.json).toEqual({
      id: expect.any(Number),
      email,
      username: username.replace(' ', ''),
      slug: expect.stringMatching(/^flowuser-[0-9a-z-]+-[0-9a-f]{8}$/),
      is_verified: false,
      message: expect.any(String),
    });

    const mail = await a.smtp.next(email, 'verify');
    expect(mail.code).toMatch(/^\d{6}$/);
    expect(mail.raw).toContain('text/plain');
    expect(mail.raw).toContain('text/html');
    const code = mail.code ?? '';
    codes.push(code);

    const early = await a.call('POST', '/api/users/login/', { body: { email, password: STRONG } });
    expect(early.status).toBe(403);
    expect(early.json).toEqual({ detail: expect.any(String), code: 'EMAIL_NOT_VERIFIED' });

    const verified = await a.call('POST', '/api/users/verify-otp', { body: { email, otp: code } });
    expect(verified.status, verified.raw).toBe(200);
    expect(verified.json).toEqual({
      message: expect.any(String),
      user: { id: reg.json.id, email, is_verified: true },
    });

    const login = await a.call('POST', '/api/users/login/', {
      body: { email: email.toUpperCase(), password: STRONG },
    });
    expect(login.status, login.raw).toBe(200);
    expect(login.json).toEqual({
      access: expect.any(String),
      refresh: expect.any(String),
      user: {
        id: reg.json.id,
        email,
        username: reg.json.username,
        slug: reg.json.slug,
        is_verified: true,
        is_staff: false,
        is_superuser: false,
      },
    });
    const access = String(login.json.access);
    const refresh = String(login.json.refresh);

    const me = await a.call('GET', '/api/users/me/', { token: access });
    expect(me.status).toBe(200);
    expect(me.json).toEqual({
      id: reg.json.id,
      email,
      username: reg.json.username,
      slug: reg.json.slug,
      bio: '',
      address: '',
      profile_pic: null,
      variants: [],
      is_verified: true,
      is_staff: false,
      is_superuser: false,
      date_joined: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/),
      updated_at: expect.stringMatching(/Z$/),
    });

    const refreshed = await a.call('POST', '/api/users/token/refresh/', { body: { refresh } });
    expect(refreshed.status, refreshed.raw).toBe(200);
    expect(refreshed.json).toEqual({ access: expect.any(String), refresh: expect.any(String) });
    expect(refreshed.json.refresh).not.toBe(refresh);
    const meAgain = await a.call('GET', '/api/users/me', { token: String(refreshed.json.access) });
    expect(meAgain.status).toBe(200);

    const logout = await a.call('POST', '/api/users/logout/', {
      token: String(refreshed.json.access),
      body: { refresh: refreshed.json.refresh },
    });
    expect(logout.status, logout.raw).toBe(204);
    expect(logout.raw).toBe('');
    const afterLogout = await a.call('POST', '/api/users/token/refresh/', {
      body: { refresh: refreshed.json.refresh },
    });
    expect(afterLogout.status).toBe(401);
    expect(afterLogout.json).toEqual({ detail: expect.any(String), code: 'TOKEN_INVALID' });

    const anonymousLogout = await a.call('POST', '/api/users/logout/', { body: { refresh } });
    expect(anonymousLogout.status).toBe(401);
    expect(anonymousLogout.json.code).toBe('NOT_AUTHENTICATED');
  });

  it('resets a password through SMTP; the old password and every old refresh token stop working', async () => {
    const email = uniqueEmail('reset');
    await a.call('POST', '/api/users/register/', {
      body: { email, password: STRONG, username: uniqueName() },
    });
    const verifyCode = (await a.smtp.next(email, 'verify')).code ?? '';
    codes.push(verifyCode);
    expect(
      (await a.call('POST', '/api/users/verify-otp/', { body: { email, otp: verifyCode } })).status,
    ).toBe(200);
    const first = await a.call('POST', '/api/users/login/', { body: { email, password: STRONG } });
    const second = await a.call('POST', '/api/users/login/', { body: { email, password: STRONG } });

    const forget = await a.call('POST', '/api/users/forget-password/', { body: { email } });
    expect(forget.status).toBe(200);
    expect(forget.json).toEqual({ message: 'OTP sent to your email' });
    const unknown = await a.call('POST', '/api/users/forget-password/', {
      body: { email: uniqueEmail('nobody') },
    });
    expect(unknown.status).toBe(200);
    expect(unknown.json).toEqual(forget.json);

    const resetCode = (await a.smtp.next(email, 'reset')).code ?? '';
    codes.push(resetCode);
    const weak = await a.call('POST', '/api/users/reset-password/', {
      body: { email, otp: resetCode, new_password: '12345678' },
    });
    expect(weak.status).toBe(400);
    expect(weak.json).toEqual({ new_password: expect.arrayContaining([expect.any(String)]) });

    const newPassword = 'Another-Quiet-Harbor-77';
    const reset = await a.call('POST', '/api/users/reset-password/', {
      body: { email, otp: resetCode, new_password: newPassword },
    });
    expect(reset.status, reset.raw).toBe(200);
    expect(reset.json).toEqual({ message: expect.any(String) });

    const reused = await a.call('POST', '/api/users/reset-password/', {
      body: { email, otp: resetCode, new_password: 'Yet-Another-Harbor-78' },
    });
    expect(reused.status).toBe(400);
    expect(reused.json).toEqual({ otp: [expect.any(String)] });

    for (const old of [first, second]) {
      const res = await a.call('POST', '/api/users/token/refresh/', { body: { refresh: old.json.refresh } });
      expect(res.status).toBe(401);
      expect(res.json.code).toBe('TOKEN_INVALID');
    }
    const oldPassword = await a.call('POST', '/api/users/login/', { body: { email, password: STRONG } });
    expect(oldPassword.status).toBe(401);
    expect(oldPassword.json.code).toBe('INVALID_CREDENTIALS');
    const newLogin = await a.call('POST', '/api/users/login/', { body: { email, password: newPassword } });
    expect(newLogin.status).toBe(200);
  });

  it('does the same flow through the SDK: login stores tokens, calls carry them, refresh on 401 TOKEN_INVALID', async () => {
    const client = createLecternClient({ url: a.url });
    const email = uniqueEmail('sdk');
    const username = uniqueName('sdk');
    const reg = await client.users.register.mutate({ email, password: STRONG, username });
    expect(reg).toMatchObject({ email, username, is_verified: false });
    const code = (await a.smtp.next(email, 'verify')).code ?? '';
    codes.push(code);
    const ver = await client.users.verifyOtp.mutate({ email, otp: code });
    expect(ver.user.is_verified).toBe(true);

    const wrong = await client.auth.login(email, 'not-the-password').catch((e: unknown) => e);
    expect(wrong).toBeInstanceOf(LecternError);
    expect(wrong).toMatchObject({ code: 'INVALID_CREDENTIALS', status: 401 });

    const result = await client.auth.login(email, STRONG);
    expect(result.user.email).toBe(email);
    const me = await client.users.me.query();
    expect(me.email).toBe(email);
    expect(me.date_joined).toBeInstanceOf(Date);

    // An access token the server rejects: the client refreshes once and retries, transparently.
    const stored = await client.auth.tokens();
    await client.auth.setTokens({ access: 'expired.or.forged', refresh: stored?.refresh ?? '' });
    const [x, y, z] = await Promise.all([
      client.users.me.query(),
      client.users.get.query({ slug: me.slug }),
      client.users.me.query(),
    ]);
    expect([x.id, y.id, z.id]).toEqual([me.id, me.id, me.id]);
    const after = await client.auth.tokens();
    expect(after?.access).not.toBe('expired.or.forged');
    expect(after?.refresh).not.toBe(stored?.refresh);
    // Exactly one refresh happened: the family has the login token (spent) and one live successor.
    const family = await a.testDb.db
      .selectFrom('refresh_tokens')
      .select(['used_at', 'revoked_at'])
      .where('user_id', '=', me.id)
      .execute();
    expect(family).toHaveLength(2);
    expect(family.filter((r) => r.used_at === null && r.revoked_at === null)).toHaveLength(1);

    const updated = await client.users.update.mutate({ slug: me.slug, bio: 'Writes about lighthouses.' });
    expect(updated.bio).toBe('Writes about lighthouses.');
    expect(updated.updated_at).toBeInstanceOf(Date);

    await client.auth.logout();
    expect(await client.auth.tokens()).toBeNull();
    const anon = await client.users.me.query().catch((e: unknown) => LecternError.from(e));
    expect(anon).toMatchObject({ code: 'NOT_AUTHENTICATED', status: 401 });
  });

  it('never puts a password hash, a code or a token hash in any response', async () => {
    await expectNoSecrets(a.bodies, a.testDb, codes);
    // The tRPC door too: a raw batch with login and me.
    const email = uniqueEmail('raw');
    await a.call('POST', '/api/users/register/', {
      body: { email, password: STRONG, username: uniqueName() },
    });
    const code = (await a.smtp.next(email, 'verify')).code ?? '';
    const verify = await fetch(`${a.url}/trpc/users.verifyOtp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ json: { email, otp: code } }),
    });
    const login = await fetch(`${a.url}/trpc/users.login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ json: { email, password: STRONG } }),
    });
    const loginRaw = await login.text();
    const access = JSON.parse(loginRaw).result.data.json.access as string;
    const me = await fetch(`${a.url}/trpc/users.me`, { headers: { authorization: `Bearer ${access}` } });
    await expectNoSecrets([await verify.text(), loginRaw, await me.text()], a.testDb, [code]);
  });
});
