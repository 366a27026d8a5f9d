/**
 * The mail server goes away and comes back (a real SMTP server on loopback, stopped and restarted on
 * the same port): registration and password reset still answer as api.md says and keep the account,
 * and asking again once mail works delivers a code at once (a code that was never sent does not hold
 * the 60 s resend cooldown). A mail server that accepts connections but never answers delays the
 * answer by the SMTP timeout, not indefinitely.
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { createServer, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AccountsApp,
  accountsApp,
  registeredUser,
  type SmtpSink,
  STRONG,
  startSmtpSink,
  uniqueEmail,
  uniqueName,
} from '../accounts-helpers.ts';

const RESEND_MESSAGE = 'If an unverified account exists for this email, a new code has been sent.';

describe('accounts while the mail server is down', () => {
  let a: AccountsApp;
  let port: number;
  let sink: SmtpSink | undefined;

  beforeAll(async () => {
    // accountsApp brings its own sink; the app is pointed at it, so stopping it is the outage.
    a = await accountsApp();
    port = Number(new URL(a.smtp.url).port);
  });
  afterAll(async () => {
    await sink?.close();
    await a.closeAll();
  });

  it('register, resend and forget-password answer as documented while SMTP is down; codes arrive once it is back', async () => {
    const verified = await registeredUser(a);
    await a.smtp.close();

    const email = uniqueEmail('nomail');
    const username = uniqueName();
    const reg = await a.call('POST', '/api/users/register/', { body: { email, password: STRONG, username } });
    expect(reg.status, reg.raw).toBe(201);
    expect(reg.json).toMatchObject({ email, username, is_verified: false, message: expect.any(String) });
    const kept = await a.testDb.db
      .selectFrom('users')
      .select(['id', 'is_verified'])
      .where('email', '=', email)
      .executeTakeFirst();
    expect(kept).toMatchObject({ is_verified: false });

    const resendDown = await a.call('POST', '/api/users/resend-otp/', { body: { email } });
    expect(resendDown.status).toBe(200);
    expect(resendDown.json).toEqual({ message: RESEND_MESSAGE });
    const forgetDown = await a.call('POST', '/api/users/forget-password/', {
      body: { email: verified.email },
    });
    expect(forgetDown.status).toBe(200);
    expect(forgetDown.json).toEqual({ message: 'OTP sent to your email' });

    // Mail is back, on the same address; no waiting out the cooldown.
    sink = await startSmtpSink(port);
    const resend = await a.call('POST', '/api/users/resend-otp/', { body: { email } });
    expect(resend.status).toBe(200);
    const code = (await sink.next(email, 'verify')).code;
    const ok = await a.call('POST', '/api/users/verify-otp/', { body: { email, otp: code } });
    expect(ok.status, ok.raw).toBe(200);

    // The reset asked for during the outage is asked for again, and works.
    await a.call('POST', '/api/users/forget-password/', { body: { email: verified.email } });
    const resetCode = (await sink.next(verified.email, 'reset')).code;
    const reset = await a.call('POST', '/api/users/reset-password/', {
      body: { email: verified.email, otp: resetCode, new_password: 'Copper-Meadow-Violin-77' },
    });
    expect(reset.status, reset.raw).toBe(200);
    const login = await a.call('POST', '/api/users/login/', {
      body: { email: verified.email, password: 'Copper-Meadow-Violin-77' },
    });
    expect(login.status).toBe(200);

    // A code that did go out still holds the cooldown: asking again within 60 s of the reset code sends
    // nothing (decided before the answer, so no mail can still be on its way).
    const before = sink.countFor(verified.email);
    const again = await a.call('POST', '/api/users/forget-password/', { body: { email: verified.email } });
    expect(again.status).toBe(200);
    expect(sink.countFor(verified.email)).toBe(before);
  });

  it('a mail server that never answers delays registration by the SMTP timeout, then the account stands', async () => {
    const sockets: Socket[] = [];
    const silent = createServer((socket) => sockets.push(socket));
    silent.listen(0, '127.0.0.1');
    await once(silent, 'listening');
    const { port: silentPort } = silent.address() as AddressInfo;
    // The timeout comes from SMTP_URL here (nodemailer reads options from its query) to keep this short.
    const hung = await accountsApp(
      { SMTP_URL: `smtp://127.0.0.1:${silentPort}/?greetingTimeout=1500` },
      a.testDb,
    );
    try {
      const email = uniqueEmail('hung');
      const reg = await hung.call('POST', '/api/users/register/', {
        body: { email, password: STRONG, username: uniqueName() },
      });
      expect(reg.status, reg.raw).toBe(201);
      expect(sockets.length).toBeGreaterThan(0);
      const row = await a.testDb.db
        .selectFrom('users')
        .select('id')
        .where('email', '=', email)
        .executeTakeFirst();
      expect(row).toBeDefined();
    } finally {
      for (const s of sockets) s.destroy();
      silent.close();
      await hung.closeAll();
    }
  });
});
