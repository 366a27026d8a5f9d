import { hashToken } from '@lectern/api/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AccountsApp,
  accountsApp,
  expectNoSecrets,
  registeredUser,
  STRONG,
  type TrpcErrorBody,
  uniqueEmail,
  uniqueName,
} from '../accounts-helpers.ts';
import { insertUser } from '../helpers.ts';

/** An absolute URL split into its base and query parameters (order-insensitive comparison). */
function link(value: unknown): { base: string; params: Record<string, string> } {
  const url = new URL(String(value));
  return { base: `${url.origin}${url.pathname}`, params: Object.fromEntries(url.searchParams) };
}

describe('accounts: every bad input gets its documented status and shape', () => {
  let a: AccountsApp;
  const codes: string[] = [];

  beforeAll(async () => {
    a = await accountsApp();
  });
  afterAll(async () => {
    await a.closeAll();
  });

  it('register: missing and invalid fields, weak passwords, taken email and username', async () => {
    const empty = await a.call('POST', '/api/users/register/', { body: {} });
    expect(empty.status).toBe(400);
    expect(empty.json).toEqual({
      email: ['This field is required.'],
      password: ['This field is required.'],
      username: ['This field is required.'],
    });

    const invalid = await a.call('POST', '/api/users/register/', {
      body: { email: 'not-an-email', password: STRONG, username: 'a b' },
    });
    expect(invalid.status).toBe(400);
    expect(invalid.json).toEqual({ email: [expect.any(String)], username: [expect.any(String)] });

    const email = uniqueEmail('weak');
    const username = uniqueName('weakling');
    for (const password of ['short1!', '1234567890', 'password123', email, `${username}1`]) {
      const res = await a.call('POST', '/api/users/register/', { body: { email, password, username } });
      expect(res.status, password).toBe(400);
      expect(Object.keys(res.json), password).toEqual(['password']);
    }

    const first = await a.call('POST', '/api/users/register/', {
      body: { email, password: STRONG, username },
    });
    expect(first.status).toBe(201);
    codes.push((await a.smtp.next(email, 'verify')).code ?? '');
    const taken = await a.call('POST', '/api/users/register/', {
      body: { email: email.toUpperCase(), password: STRONG, username: username.toUpperCase() },
    });
    expect(taken.status).toBe(400);
    expect(taken.json).toEqual({ email: [expect.any(String)], username: [expect.any(String)] });
  });

  it('verify-otp: wrong, expired, used, exhausted codes and unknown emails all answer 400 on otp alike', async () => {
    const email = uniqueEmail('codes');
    await a.call('POST', '/api/users/register/', {
      body: { email, password: STRONG, username: uniqueName() },
    });
    const code = (await a.smtp.next(email, 'verify')).code ?? '';
    codes.push(code);
    const wrong = code === '000000' ? '111111' : '000000';

    const unknown = await a.call('POST', '/api/users/verify-otp/', {
      body: { email: uniqueEmail('x'), otp: code },
    });
    expect(unknown.status).toBe(400);
    const refusal = unknown.json;
    expect(refusal).toEqual({ otp: [expect.any(String)] });

    for (let i = 0; i < 5; i++) {
      const res = await a.call('POST', '/api/users/verify-otp/', { body: { email, otp: wrong } });
      expect(res.status).toBe(400);
      expect(res.json).toEqual(refusal);
    }
    // The sixth try, with the right code: the code is dead.
    const sixth = await a.call('POST', '/api/users/verify-otp/', { body: { email, otp: code } });
    expect(sixth.status).toBe(400);
    expect(sixth.json).toEqual(refusal);

    // A new code (after the cooldown) works; used once, it is spent.
    await a.testDb.db
      .updateTable('otp_codes')
      .set({ sent_at: sql<Date>`now() - interval '2 minutes'` })
      .execute();
    await a.call('POST', '/api/users/resend-otp/', { body: { email } });
    const fresh = (await a.smtp.next(email, 'verify')).code ?? '';
    codes.push(fresh);
    expect((await a.call('POST', '/api/users/verify-otp/', { body: { email, otp: fresh } })).status).toBe(
      200,
    );
    const used = await a.call('POST', '/api/users/verify-otp/', { body: { email, otp: fresh } });
    expect(used.status).toBe(400);
    expect(used.json).toEqual(refusal);

    // Expired.
    const late = uniqueEmail('late');
    await a.call('POST', '/api/users/register/', {
      body: { email: late, password: STRONG, username: uniqueName() },
    });
    const lateCode = (await a.smtp.next(late, 'verify')).code ?? '';
    codes.push(lateCode);
    await a.testDb.db
      .updateTable('otp_codes')
      .set({ expires_at: sql<Date>`now() - interval '1 second'` })
      .where('user_id', '=', sql<number>`(select id from users where email = ${late})`)
      .execute();
    const expired = await a.call('POST', '/api/users/verify-otp/', { body: { email: late, otp: lateCode } });
    expect(expired.status).toBe(400);
    expect(expired.json).toEqual(refusal);
  });

  it('resend-otp: one answer for unknown, verified and cooling-down addresses; no mail within 60 s', async () => {
    const email = uniqueEmail('resend');
    await a.call('POST', '/api/users/register/', {
      body: { email, password: STRONG, username: uniqueName() },
    });
    codes.push((await a.smtp.next(email, 'verify')).code ?? '');
    const sent = a.smtp.countFor(email);
    const cooling = await a.call('POST', '/api/users/resend-otp/', { body: { email } });
    const unknown = await a.call('POST', '/api/users/resend-otp/', { body: { email: uniqueEmail('ghost') } });
    expect(cooling.status).toBe(200);
    expect(unknown.status).toBe(200);
    expect(cooling.json).toEqual(unknown.json);
    // The cooldown held: the code row still has the registration's time, and no second mail went out.
    const forget = await a.call('POST', '/api/users/forget-password/', { body: { email } });
    expect(forget.status).toBe(200);
    await a.smtp.next(email, 'reset'); // a reset code is another purpose: not held back
    expect(a.smtp.countFor(email)).toBe(sent + 1);
  });

  it('login: wrong pair and unknown email answer alike; unverified 403; deleted and inactive 401', async () => {
    const user = await registeredUser(a);
    codes.push(...user.codes);
    const wrong = await a.call('POST', '/api/users/login/', {
      body: { email: user.email, password: 'Wrong-Pass-123' },
    });
    const unknown = await a.call('POST', '/api/users/login/', {
      body: { email: uniqueEmail('no'), password: STRONG },
    });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.json).toEqual({ detail: expect.any(String), code: 'INVALID_CREDENTIALS' });
    expect(unknown.json).toEqual(wrong.json);

    const missing = await a.call('POST', '/api/users/login/', { body: { email: user.email } });
    expect(missing.status).toBe(400);
    expect(missing.json).toEqual({ password: ['This field is required.'] });

    await a.testDb.db.updateTable('users').set({ is_active: false }).where('id', '=', user.id).execute();
    const inactive = await a.call('POST', '/api/users/login/', {
      body: { email: user.email, password: STRONG },
    });
    expect(inactive.status).toBe(401);
    expect(inactive.json).toEqual(wrong.json);
    // The access token stops working at once too.
    const me = await a.call('GET', '/api/users/me/', { token: user.access });
    expect(me.status).toBe(401);
    expect(me.json.code).toBe('TOKEN_INVALID');
  });

  it("deleted user's token is 401 TOKEN_INVALID; delete revokes refresh tokens and keeps the row", async () => {
    const user = await registeredUser(a);
    codes.push(...user.codes);
    const other = await registeredUser(a);
    codes.push(...other.codes);
    const denied = await a.call('DELETE', `/api/users/${user.slug}/`, { token: other.access });
    expect(denied.status).toBe(403);
    expect(denied.json.code).toBe('PERMISSION_DENIED');

    const del = await a.call('DELETE', `/api/users/${user.slug}/`, { token: user.access });
    expect(del.status).toBe(204);
    const me = await a.call('GET', '/api/users/me/', { token: user.access });
    expect(me.status).toBe(401);
    expect(me.json).toEqual({ detail: expect.any(String), code: 'TOKEN_INVALID' });
    const refresh = await a.call('POST', '/api/users/token/refresh/', { body: { refresh: user.refresh } });
    expect(refresh.status).toBe(401);
    const login = await a.call('POST', '/api/users/login/', {
      body: { email: user.email, password: STRONG },
    });
    expect(login.status).toBe(401);
    expect(login.json.code).toBe('INVALID_CREDENTIALS');
    const row = await a.testDb.db
      .selectFrom('users')
      .select(['is_deleted', 'is_active'])
      .where('id', '=', user.id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ is_deleted: true, is_active: false });
    const gone = await a.call('GET', `/api/users/${user.slug}/`, { token: other.access });
    expect(gone.status).toBe(404);
  });

  it('refresh: a spent token reused after the grace window revokes the whole family', async () => {
    const user = await registeredUser(a);
    codes.push(...user.codes);
    const r1 = await a.call('POST', '/api/users/token/refresh/', { body: { refresh: user.refresh } });
    expect(r1.status).toBe(200);
    // Within the grace window: refused, nothing else happens (the successor still works below).
    const racing = await a.call('POST', '/api/users/token/refresh/', { body: { refresh: user.refresh } });
    expect(racing.status).toBe(401);
    expect(racing.json.code).toBe('TOKEN_INVALID');
    const r2 = await a.call('POST', '/api/users/token/refresh/', { body: { refresh: r1.json.refresh } });
    expect(r2.status).toBe(200);

    await a.testDb.db
      .updateTable('refresh_tokens')
      .set({ used_at: sql<Date>`now() - interval '11 seconds'` })
      .where('token_hash', '=', hashToken(user.refresh))
      .execute();
    const theft = await a.call('POST', '/api/users/token/refresh/', { body: { refresh: user.refresh } });
    expect(theft.status).toBe(401);
    expect(theft.json.code).toBe('TOKEN_INVALID');
    const live = await a.call('POST', '/api/users/token/refresh/', { body: { refresh: r2.json.refresh } });
    expect(live.status).toBe(401);
    const garbage = await a.call('POST', '/api/users/token/refresh/', { body: { refresh: 'abc' } });
    expect(garbage.status).toBe(401);
    expect(garbage.json.code).toBe('TOKEN_INVALID');
    // An access token is not a refresh token.
    const wrongType = await a.call('POST', '/api/users/token/refresh/', { body: { refresh: user.access } });
    expect(wrongType.status).toBe(401);
  });

  it('profiles: others see the public profile; updates by others 403; role flags by role only', async () => {
    const owner = await registeredUser(a);
    const other = await registeredUser(a);
    codes.push(...owner.codes, ...other.codes);
    const staff = await insertUser(a.testDb, { is_staff: true });
    const superuser = await insertUser(a.testDb, { is_superuser: true, is_staff: true });

    const publicView = await a.call('GET', `/api/users/${owner.slug}/`, { token: other.access });
    expect(publicView.status).toBe(200);
    expect(publicView.json).toEqual({
      id: owner.id,
      username: expect.any(String),
      slug: owner.slug,
      bio: '',
      profile_pic: null,
      variants: [],
    });
    const staffView = await a.call('GET', `/api/users/${owner.slug}`, { token: staff.token });
    expect(staffView.json).toMatchObject({ email: owner.email, address: '' });
    const anon = await a.call('GET', `/api/users/${owner.slug}/`);
    expect(anon.status).toBe(401);
    const missing = await a.call('GET', '/api/users/nobody-00000000/', { token: other.access });
    expect(missing.status).toBe(404);
    expect(missing.json).toEqual({ detail: expect.any(String), code: 'NOT_FOUND' });

    const foreign = await a.call('PATCH', `/api/users/${owner.slug}/`, {
      token: other.access,
      body: { bio: 'x' },
    });
    expect(foreign.status).toBe(403);
    expect(foreign.json.code).toBe('PERMISSION_DENIED');

    // The owner's own GET body PUT back is harmless; read-only fields are ignored.
    const me = await a.call('GET', '/api/users/me/', { token: owner.access });
    const putBack = await a.call('PUT', `/api/users/${owner.slug}/`, {
      token: owner.access,
      body: {
        ...me.json,
        email: 'changed@example.com',
        slug: 'hijack',
        id: 1,
        bio: 'Hello',
        username: 'Renamed_1',
      },
    });
    expect(putBack.status, putBack.raw).toBe(200);
    expect(putBack.json).toMatchObject({ email: owner.email, slug: owner.slug, id: owner.id, bio: 'Hello' });
    expect(putBack.json.username).toBe('Renamed_1');

    const selfPromote = await a.call('PATCH', `/api/users/${owner.slug}/`, {
      token: owner.access,
      body: { is_staff: true, bio: 'sneaky' },
    });
    expect(selfPromote.status).toBe(403);
    const unchanged = await a.call('GET', '/api/users/me/', { token: owner.access });
    expect(unchanged.json).toMatchObject({ is_staff: false, bio: 'Hello' });

    const staffPromotes = await a.call('PATCH', `/api/users/${owner.slug}/`, {
      token: staff.token,
      body: { is_staff: true, is_verified: true },
    });
    expect(staffPromotes.status).toBe(200);
    expect(staffPromotes.json.is_staff).toBe(true);
    const staffSuper = await a.call('PATCH', `/api/users/${owner.slug}/`, {
      token: staff.token,
      body: { is_superuser: true },
    });
    expect(staffSuper.status).toBe(403);
    const superSuper = await a.call('PATCH', `/api/users/${owner.slug}/`, {
      token: superuser.token,
      body: { is_superuser: true },
    });
    expect(superSuper.status).toBe(200);
    expect(superSuper.json.is_superuser).toBe(true);

    const takenName = await a.call('PATCH', `/api/users/${other.slug}/`, {
      token: other.access,
      body: { username: 'renamed_1' },
    });
    expect(takenName.status).toBe(400);
    expect(takenName.json).toEqual({ username: [expect.any(String)] });
    const badType = await a.call('PATCH', `/api/users/${other.slug}/`, {
      token: other.access,
      body: { is_staff: 'yes', bio: 5 },
    });
    expect(badType.status).toBe(400);
    expect(Object.keys(badType.json).sort()).toEqual(['bio', 'is_staff']);
  });

  it('list: staff only, filters, search, pagination with absolute next/previous and 404 past the end', async () => {
    const member = await insertUser(a.testDb);
    const staff = await insertUser(a.testDb, { is_staff: true });
    const denied = await a.call('GET', '/api/users/', { token: member.token });
    expect(denied.status).toBe(403);
    expect(denied.json.code).toBe('PERMISSION_DENIED');
    expect((await a.call('GET', '/api/users/')).status).toBe(401);

    const tag = `pg${crypto.randomUUID().slice(0, 6)}`;
    for (let i = 0; i < 5; i++) {
      await insertUser(a.testDb, { username: `${tag}_${i}`, is_verified: i % 2 === 0 });
    }
    const page1 = await a.call('GET', `/api/users/?search=${tag.toUpperCase()}&page_size=2`, {
      token: staff.token,
    });
    expect(page1.status).toBe(200);
    expect(page1.json).toMatchObject({ count: 5, previous: null });
    expect(link(page1.json.next)).toEqual({
      base: `${a.url}/api/users/`,
      params: { search: tag.toUpperCase(), page_size: '2', page: '2' },
    });
    const items = page1.json.results as Array<Record<string, unknown>>;
    expect(items.map((u) => u.username)).toEqual([`${tag}_4`, `${tag}_3`]);
    expect(Object.keys(items[0] ?? {}).sort()).toEqual(
      ['date_joined', 'email', 'id', 'is_staff', 'is_superuser', 'is_verified', 'slug', 'username'].sort(),
    );
    const page3 = await a.call('GET', `/api/users?search=${tag}&page_size=2&page=3`, { token: staff.token });
    expect(page3.json).toMatchObject({ count: 5, next: null });
    expect(link(page3.json.previous)).toEqual({
      base: `${a.url}/api/users/`,
      params: { search: tag, page_size: '2', page: '2' },
    });
    const page2 = await a.call('GET', `/api/users?search=${tag}&page_size=2&page=2`, { token: staff.token });
    expect(link(page2.json.previous)).toEqual({
      base: `${a.url}/api/users/`,
      params: { search: tag, page_size: '2' },
    });
    expect(page3.json.results).toHaveLength(1);
    for (const page of ['4', '0', 'abc', '-1']) {
      const res = await a.call('GET', `/api/users/?search=${tag}&page_size=2&page=${page}`, {
        token: staff.token,
      });
      expect(res.status, page).toBe(404);
      expect(res.json.code).toBe('NOT_FOUND');
    }
    const verified = await a.call('GET', `/api/users/?search=${tag}&is_verified=true`, {
      token: staff.token,
    });
    expect(verified.json.count).toBe(3);
    const unverified = await a.call('GET', `/api/users/?search=${tag}&is_verified=0`, { token: staff.token });
    expect(unverified.json.count).toBe(2);
    const badBool = await a.call('GET', `/api/users/?is_staff=maybe`, { token: staff.token });
    expect(badBool.status).toBe(400);
    expect(badBool.json).toEqual({ is_staff: [expect.any(String)] });
    const staffOnly = await a.call('GET', `/api/users/?is_staff=true&page_size=500`, { token: staff.token });
    expect((staffOnly.json.results as Array<{ is_staff: boolean }>).every((u) => u.is_staff)).toBe(true);
    const empty = await a.call('GET', `/api/users/?search=no-such-user-${tag}`, { token: staff.token });
    expect(empty.status).toBe(200);
    expect(empty.json).toEqual({ count: 0, next: null, previous: null, results: [] });
  });

  it('registration closed: 403 REGISTRATION_DISABLED on both doors', async () => {
    const admin = await insertUser(a.testDb, { is_superuser: true });
    await a.call('PATCH', '/api/system/settings/', {
      token: admin.token,
      body: { allow_registration: false },
    });
    try {
      const rest = await a.call('POST', '/api/users/register/', {
        body: { email: uniqueEmail(), password: STRONG, username: uniqueName() },
      });
      expect(rest.status).toBe(403);
      expect(rest.json).toEqual({ detail: expect.any(String), code: 'REGISTRATION_DISABLED' });
      const trpc = await fetch(`${a.url}/trpc/users.register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ json: { email: uniqueEmail(), password: STRONG, username: uniqueName() } }),
      });
      expect(trpc.status).toBe(403);
      expect(((await trpc.json()) as TrpcErrorBody).error.json.data.code).toBe('REGISTRATION_DISABLED');
    } finally {
      await a.call('PATCH', '/api/system/settings/', {
        token: admin.token,
        body: { allow_registration: true },
      });
    }
  });

  it('leaks nothing in any of these answers', async () => {
    await expectNoSecrets(a.bodies, a.testDb, codes);
  });
});
