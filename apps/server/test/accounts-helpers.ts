/** Shared by the accounts tests: a real SMTP server on loopback, a listening app, a recording fetch. */
import type { AddressInfo } from 'node:net';
import type { TestDb } from '@lectern/db/testing';
import { SMTPServer } from 'smtp-server';
import { expect } from 'vitest';
import { createTestApp, type TestApp } from './helpers.ts';

export interface ReceivedMail {
  to: string[];
  raw: string;
  purpose: 'verify' | 'reset' | 'other';
  code: string | null;
}

export interface SmtpSink {
  url: string;
  messages: ReceivedMail[];
  /** The next message to `to` (optionally of one purpose) not yet taken by an earlier call. */
  next(to: string, purpose?: 'verify' | 'reset'): Promise<ReceivedMail>;
  /** Messages received so far for an address. */
  countFor(to: string): number;
  close(): Promise<void>;
}

/** A sink on `port` (0: any free one; a fixed one to bring a stopped sink back where the app expects it). */
export async function startSmtpSink(port = 0): Promise<SmtpSink> {
  const messages: ReceivedMail[] = [];
  const taken = new Set<ReceivedMail>();
  const waiters: Array<() => void> = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const code = /code to [a-z ]+ is (\d{6})\./.exec(raw)?.[1] ?? null;
        const purpose = /verify your email/.test(raw)
          ? 'verify'
          : /reset your password/.test(raw)
            ? 'reset'
            : 'other';
        messages.push({
          to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
          raw,
          purpose,
          code,
        });
        for (const wake of waiters.splice(0)) wake();
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
  const address = server.server.address() as AddressInfo;
  const find = (to: string, purpose?: string) =>
    messages.find(
      (m) => !taken.has(m) && m.to.includes(to.toLowerCase()) && (!purpose || m.purpose === purpose),
    );
  return {
    url: `smtp://127.0.0.1:${address.port}`,
    messages,
    async next(to, purpose) {
      const deadline = Date.now() + 10_000;
      for (;;) {
        const found = find(to, purpose);
        if (found) {
          taken.add(found);
          return found;
        }
        if (Date.now() > deadline) throw new Error(`no ${purpose ?? ''} mail for ${to}`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 200);
        });
      }
    },
    countFor: (to) => messages.filter((m) => m.to.includes(to.toLowerCase())).length,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Caps high enough that a test file never trips them by accident (the limits test sets its own). */
export const ROOMY_LIMITS: Record<string, string> = Object.fromEntries(
  ['LOGIN', 'REGISTER', 'RESEND', 'FORGET', 'VERIFY', 'RESET'].flatMap((a) => [
    [`RATE_LIMIT_${a}_PER_IP`, '100000'],
    [`RATE_LIMIT_${a}_PER_EMAIL`, '100000'],
  ]),
);

export interface AccountsApp extends TestApp {
  url: string;
  smtp: SmtpSink;
  /** Every response body seen through `call` (for leak assertions). */
  bodies: string[];
  call(
    method: string,
    path: string,
    opts?: { body?: unknown; token?: string; form?: FormData },
  ): Promise<{ status: number; json: Record<string, unknown>; raw: string; headers: Headers }>;
  closeAll(): Promise<void>;
}

/** An app with registration open, SMTP to a local sink, the cheap test hash, listening on a port. */
export async function accountsApp(
  overrides: Record<string, string> = {},
  testDb?: TestDb,
): Promise<AccountsApp> {
  const smtp = await startSmtpSink();
  const t = await createTestApp(
    {
      ALLOW_REGISTRATION: 'true',
      SMTP_URL: smtp.url,
      PASSWORD_HASH_PROFILE: 'fast',
      ...ROOMY_LIMITS,
      ...overrides,
    },
    testDb,
  );
  const url = await t.app.listen({ port: 0, host: '127.0.0.1' });
  const bodies: string[] = [];
  return {
    ...t,
    url,
    smtp,
    bodies,
    async call(method, path, opts = {}) {
      const headers: Record<string, string> = {};
      if (opts.token) headers.authorization = `Bearer ${opts.token}`;
      let body: string | FormData | undefined;
      if (opts.form) body = opts.form;
      else if (opts.body !== undefined) {
        headers['content-type'] = 'application/json';
        body = JSON.stringify(opts.body);
      }
      const res = await fetch(`${url}${path}`, { method, headers, body });
      const raw = await res.text();
      bodies.push(raw);
      let json: Record<string, unknown> = {};
      try {
        json = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
      } catch {
        json = {};
      }
      return { status: res.status, json, raw, headers: res.headers };
    },
    async closeAll() {
      await t.close();
      await smtp.close();
    },
  };
}

export const uniqueEmail = (tag = 'u') => `${tag}-${crypto.randomUUID().slice(0, 12)}@test.lectern`;
export const uniqueName = (tag = 'user') => `${tag}_${crypto.randomUUID().slice(0, 10)}`;
export const STRONG = 'Quartz-Lantern-Ferry-41';

/** The error half of a tRPC HTTP answer (non-batched call). */
export interface TrpcErrorBody {
  error: { json: { message: string; data: { code: string; httpStatus: number; retryAfter: number | null } } };
}

/** Asserts no body contains a password hash, one of the codes, or a token/code hash from the database. */
export async function expectNoSecrets(bodies: string[], testDb: TestDb, codes: string[]): Promise<void> {
  const tokenHashes = (await testDb.db.selectFrom('refresh_tokens').select('token_hash').execute()).map(
    (r) => r.token_hash,
  );
  const codeHashes = (await testDb.db.selectFrom('otp_codes').select('code_hash').execute()).map(
    (r) => r.code_hash,
  );
  const passwordHashes = (await testDb.db.selectFrom('users').select('password_hash').execute()).map(
    (r) => r.password_hash,
  );
  expect(bodies.length).toBeGreaterThan(0);
  for (const body of bodies) {
    expect(body).not.toContain('$argon2');
    expect(body).not.toMatch(/password_hash|code_hash|token_hash/);
    for (const secret of [...tokenHashes, ...codeHashes, ...passwordHashes])
      expect(body).not.toContain(secret);
    for (const code of codes) expect(body).not.toMatch(new RegExp(`(^|[^0-9])${code}([^0-9]|$)`));
  }
}

/** Registers and verifies an account over REST; returns its login answer. */
export async function registeredUser(
  a: AccountsApp,
  fields: { email?: string; username?: string; password?: string } = {},
): Promise<{
  email: string;
  password: string;
  slug: string;
  id: number;
  access: string;
  refresh: string;
  codes: string[];
}> {
  const email = fields.email ?? uniqueEmail();
  const password = fields.password ?? STRONG;
  const reg = await a.call('POST', '/api/users/register/', {
    body: { email, password, username: fields.username ?? uniqueName() },
  });
  expect(reg.status, reg.raw).toBe(201);
  const mail = await a.smtp.next(email, 'verify');
  const code = mail.code ?? '';
  const ver = await a.call('POST', '/api/users/verify-otp/', { body: { email, otp: code } });
  expect(ver.status, ver.raw).toBe(200);
  const login = await a.call('POST', '/api/users/login/', { body: { email, password } });
  expect(login.status, login.raw).toBe(200);
  return {
    email,
    password,
    slug: String(reg.json.slug),
    id: Number(reg.json.id),
    access: String(login.json.access),
    refresh: String(login.json.refresh),
    codes: [code],
  };
}
