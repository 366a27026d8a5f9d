import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { PasswordHasher } from '@lectern/api';
import { openTestDb, type TestDb } from '@lectern/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedAdmin } from '../../src/admin.ts';
import {
  type AccountsApp,
  accountsApp,
  registeredUser,
  STRONG,
  startSmtpSink,
  type TrpcErrorBody,
  uniqueEmail,
  uniqueName,
} from '../accounts-helpers.ts';
import { createTestApp, insertUser } from '../helpers.ts';

describe('accounts: rate limits, lockout, rotation switch, maintenance, bootstrap, mail', () => {
  let db: TestDb;

  beforeAll(async () => {
    db = await openTestDb();
    // Registration open for every app of this file (the settings row outlives each app).
    await db.db
      .insertInto('settings')
      .values({ id: 1, maintenance: false, allow_registration: true })
      .onConflict((oc) => oc.column('id').doUpdateSet({ allow_registration: true }))
      .execute();
  });
  afterAll(async () => {
    await db.close();
  });

  it('seeds the first superuser once: generated password shown in a banner (not the log), usable to log in; weak ADMIN_PASSWORD refused', async () => {
    const t = await createTestApp({ PASSWORD_HASH_PROFILE: 'fast', ADMIN_EMAIL: 'root@example.com' }, db);
    try {
      const lines: Array<Record<string, unknown>> = [];
      const log = {
        info: (o: Record<string, unknown>) => lines.push(o),
        warn: (o: Record<string, unknown>) => lines.push(o),
      };
      const banners: string[][] = [];
      const opts = { generatePasswordIfUnset: true, showPassword: (b: string[]) => banners.push(b) };
      expect(await seedAdmin(db.db, new PasswordHasher('fast'), t.env, log, opts)).toBe(true);
      expect(lines).toHaveLength(1);
      expect(banners).toHaveLength(1);
      const password = /password: (\S+)/.exec(banners[0]?.join('\n') ?? '')?.[1] ?? '';
      expect(password.length).toBeGreaterThanOrEqual(20);
      expect(JSON.stringify(lines)).not.toContain(password);
      expect(await seedAdmin(db.db, new PasswordHasher('fast'), t.env, log, opts)).toBe(false);
      expect(lines).toHaveLength(1);
      expect(banners).toHaveLength(1);
      const login = await t.app.inject({
        method: 'POST',
        url: '/api/users/login/',
        payload: { email: 'root@example.com', password },
      });
      expect(login.statusCode).toBe(200);
      expect(login.json().user).toMatchObject({ is_superuser: true, is_staff: true, is_verified: true });
    } finally {
      await t.close();
    }
    const fresh = await openTestDb();
    try {
      const t2 = await createTestApp({ ADMIN_PASSWORD: 'password1', PASSWORD_HASH_PROFILE: 'fast' }, fresh);
      await expect(
        seedAdmin(
          fresh.db,
          new PasswordHasher('fast'),
          t2.env,
          { info() {}, warn() {} },
          { generatePasswordIfUnset: false },
        ),
      ).rejects.toThrow(/password/);
      await t2.close();
    } finally {
      await fresh.close();
    }
  });

  it('caps register per IP and forget-password per email with 429 RATE_LIMITED + Retry-After, shared across processes', async () => {
    const one = await accountsApp({ RATE_LIMIT_REGISTER_PER_IP: '3', RATE_LIMIT_FORGET_PER_EMAIL: '2' }, db);
    const two = await accountsApp({ RATE_LIMIT_REGISTER_PER_IP: '3', RATE_LIMIT_FORGET_PER_EMAIL: '2' }, db);
    try {
      const register = (x: AccountsApp) =>
        x.call('POST', '/api/users/register/', {
          body: { email: uniqueEmail(), password: STRONG, username: uniqueName() },
        });
      expect((await register(one)).status).toBe(201);
      expect((await register(two)).status).toBe(201);
      expect((await register(one)).status).toBe(201);
      const limited = await register(two);
      expect(limited.status).toBe(429);
      expect(limited.json).toEqual({ detail: expect.any(String), code: 'RATE_LIMITED' });
      const retry = Number(limited.headers.get('retry-after'));
      expect(retry).toBeGreaterThan(0);
      expect(retry).toBeLessThanOrEqual(900);

      const trpc = await fetch(`${one.url}/trpc/users.register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ json: { email: uniqueEmail(), password: STRONG, username: uniqueName() } }),
      });
      expect(trpc.status).toBe(429);
      const data = ((await trpc.json()) as TrpcErrorBody).error.json.data;
      expect(data).toMatchObject({ code: 'RATE_LIMITED', httpStatus: 429 });
      expect(data.retryAfter).toBeGreaterThan(0);

      const email = uniqueEmail('forget');
      for (let i = 0; i < 2; i++) {
        expect((await one.call('POST', '/api/users/forget-password/', { body: { email } })).status).toBe(200);
      }
      const third = await two.call('POST', '/api/users/forget-password/', { body: { email } });
      expect(third.status).toBe(429);
      expect(third.headers.get('retry-after')).toMatch(/^\d+$/);
      // Another address is not affected.
      const other = await two.call('POST', '/api/users/forget-password/', { body: { email: uniqueEmail() } });
      expect(other.status).toBe(200);
    } finally {
      await one.closeAll();
      await two.closeAll();
    }
  });

  it('locks an address after repeated failed logins, the same for known and unknown addresses', async () => {
    const a = await accountsApp({ LOGIN_LOCKOUT_FAILURES: '3', LOGIN_LOCKOUT_MINUTES: '15' }, db);
    try {
      const user = await registeredUser(a);
      const unknown = uniqueEmail('nobody');
      for (const email of [user.email, unknown]) {
        for (let i = 0; i < 3; i++) {
          const res = await a.call('POST', '/api/users/login/', {
            body: { email, password: 'Wrong-Pass-000' },
          });
          expect(res.status).toBe(401);
        }
      }
      const locked = await a.call('POST', '/api/users/login/', {
        body: { email: user.email, password: STRONG },
      });
      const lockedUnknown = await a.call('POST', '/api/users/login/', {
        body: { email: unknown, password: STRONG },
      });
      for (const res of [locked, lockedUnknown]) {
        expect(res.status).toBe(429);
        expect(res.json).toEqual({ detail: expect.any(String), code: 'RATE_LIMITED' });
        const retry = Number(res.headers.get('retry-after'));
        expect(retry).toBeGreaterThan(800);
        expect(retry).toBeLessThanOrEqual(900);
      }
      // Time-boxed: once the lock has run out, the right password works again.
      await db.db
        .updateTable('rate_limits')
        .set({ reset_at: new Date(Date.now() - 1000) })
        .where('key', 'like', 'login-fail:%')
        .execute();
      const again = await a.call('POST', '/api/users/login/', {
        body: { email: user.email, password: STRONG },
      });
      expect(again.status).toBe(200);
    } finally {
      await a.closeAll();
    }
  });

  it('REFRESH_ROTATION=false keeps the old behaviour: refresh returns only access, the token stays valid', async () => {
    const a = await accountsApp({ REFRESH_ROTATION: 'false' }, db);
    try {
      const user = await registeredUser(a);
      for (let i = 0; i < 2; i++) {
        const res = await a.call('POST', '/api/users/token/refresh/', { body: { refresh: user.refresh } });
        expect(res.status).toBe(200);
        expect(Object.keys(res.json)).toEqual(['access']);
        expect((await a.call('GET', '/api/users/me/', { token: String(res.json.access) })).status).toBe(200);
      }
      await a.call('POST', '/api/users/logout/', { token: user.access, body: { refresh: user.refresh } });
      const after = await a.call('POST', '/api/users/token/refresh/', { body: { refresh: user.refresh } });
      expect(after.status).toBe(401);
    } finally {
      await a.closeAll();
    }
  });

  it('maintenance: login issues tokens to superusers only; others get the maintenance answer', async () => {
    const a = await accountsApp({}, db);
    try {
      const member = await registeredUser(a);
      const bossEmail = uniqueEmail('boss');
      const boss = await registeredUser(a, { email: bossEmail });
      await db.db.updateTable('users').set({ is_superuser: true }).where('id', '=', boss.id).execute();
      const on = await a.call('PATCH', '/api/system/settings/', {
        token: boss.access,
        body: { maintenance: true },
      });
      expect(on.status).toBe(200);
      try {
        const denied = await a.call('POST', '/api/users/login/', {
          body: { email: member.email, password: STRONG },
        });
        expect(denied.status).toBe(503);
        expect(denied.json).toMatchObject({ key: 'MAINTENANCE_MODE', CODE: 'MAT503' });
        const allowed = await a.call('POST', '/api/users/login/', {
          body: { email: bossEmail, password: STRONG },
        });
        expect(allowed.status).toBe(200);
        const register = await a.call('POST', '/api/users/register/', {
          body: { email: uniqueEmail(), password: STRONG, username: uniqueName() },
        });
        expect(register.status).toBe(503);
      } finally {
        await a.call('PATCH', '/api/system/settings/', { token: boss.access, body: { maintenance: false } });
      }
    } finally {
      await a.closeAll();
    }
  });

  it('re-hashes a password made with other parameters at the next login (argon2id m=19456,t=2,p=1)', async () => {
    const fast = await accountsApp({}, db);
    const user = await registeredUser(fast);
    await fast.closeAll();
    const before = await db.db
      .selectFrom('users')
      .select('password_hash')
      .where('id', '=', user.id)
      .executeTakeFirstOrThrow();
    expect(before.password_hash).toContain('m=1024');
    const owasp = await createTestApp({}, db);
    try {
      const started = performance.now();
      const login = await owasp.app.inject({
        method: 'POST',
        url: '/api/users/login/',
        payload: { email: user.email, password: STRONG },
      });
      const rehashMs = performance.now() - started;
      expect(login.statusCode).toBe(200);
      const after = await db.db
        .selectFrom('users')
        .select('password_hash')
        .where('id', '=', user.id)
        .executeTakeFirstOrThrow();
      expect(after.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
      const timings: number[] = [];
      for (let i = 0; i < 3; i++) {
        const t0 = performance.now();
        const res = await owasp.app.inject({
          method: 'POST',
          url: '/api/users/login/',
          payload: { email: user.email, password: STRONG },
        });
        timings.push(performance.now() - t0);
        expect(res.statusCode).toBe(200);
      }
      const still = await db.db
        .selectFrom('users')
        .select('password_hash')
        .where('id', '=', user.id)
        .executeTakeFirstOrThrow();
      expect(still.password_hash).toBe(after.password_hash);
      console.log(
        `login with argon2id (OWASP) verify: ${timings.map((t) => t.toFixed(0)).join(', ')} ms; with rehash ${rehashMs.toFixed(0)} ms`,
      );
    } finally {
      await owasp.close();
    }
  });

  it('keeps the account when the mail cannot be sent, and the user can ask for another code', async () => {
    const dead = await accountsApp({ SMTP_URL: 'smtp://127.0.0.1:1' }, db);
    const email = uniqueEmail('nomail');
    try {
      const reg = await dead.call('POST', '/api/users/register/', {
        body: { email, password: STRONG, username: uniqueName() },
      });
      expect(reg.status, reg.raw).toBe(201);
    } finally {
      await dead.closeAll();
    }
    const a = await accountsApp({}, db);
    try {
      await db.db
        .updateTable('otp_codes')
        .set({ sent_at: new Date(Date.now() - 120_000) })
        .execute();
      expect((await a.call('POST', '/api/users/resend-otp/', { body: { email } })).status).toBe(200);
      const code = (await a.smtp.next(email, 'verify')).code;
      const ok = await a.call('POST', '/api/users/verify-otp/', { body: { email, otp: code } });
      expect(ok.status).toBe(200);
    } finally {
      await a.closeAll();
    }
  });

  it('without SMTP_URL writes each message as an .eml file in DATA_DIR/outbox', async () => {
    const t = await createTestApp({ ALLOW_REGISTRATION: 'true', PASSWORD_HASH_PROFILE: 'fast' }, db);
    const sink = await startSmtpSink();
    try {
      const email = uniqueEmail('outbox');
      const reg = await t.app.inject({
        method: 'POST',
        url: '/api/users/register/',
        payload: { email, password: STRONG, username: uniqueName() },
      });
      expect(reg.statusCode).toBe(201);
      const outbox = path.join(t.dataDir, 'outbox');
      const files = await readdir(outbox);
      expect(files).toHaveLength(1);
      expect(files[0]).toMatch(/\.eml$/);
      const raw = await readFile(path.join(outbox, files[0] ?? ''), 'utf8');
      expect(raw).toContain(`To: ${email}`);
      const code = /is (\d{6})\./.exec(raw)?.[1];
      expect(code).toMatch(/^\d{6}$/);
      const ok = await t.app.inject({
        method: 'POST',
        url: '/api/users/verify-otp/',
        payload: { email, otp: code },
      });
      expect(ok.statusCode).toBe(200);
      expect(sink.messages).toHaveLength(0);
    } finally {
      await sink.close();
      await t.close();
    }
  });

  it('staff listing and an inserted superuser coexist with the seeded one', async () => {
    const staff = await insertUser(db, { is_staff: true });
    const t = await createTestApp({}, db);
    try {
      const res = await t.app.inject({
        url: '/api/users/?is_staff=false',
        headers: { authorization: `Bearer ${staff.token}` },
      });
      expect(res.statusCode).toBe(200);
      expect(res.json().results.every((u: { is_staff: boolean }) => !u.is_staff)).toBe(true);
    } finally {
      await t.close();
    }
  });
});
