import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AccountsApp,
  accountsApp,
  expectNoSecrets,
  registeredUser,
  STRONG,
  uniqueEmail,
  uniqueName,
} from '../accounts-helpers.ts';

describe('accounts under concurrency: no 500, one winner', () => {
  let a: AccountsApp;
  const codes: string[] = [];

  beforeAll(async () => {
    a = await accountsApp();
  });
  afterAll(async () => {
    await a.closeAll();
  });

  it('two parallel refreshes of one token: exactly one succeeds and its tokens keep working', async () => {
    for (let round = 0; round < 3; round++) {
      const user = await registeredUser(a);
      codes.push(...user.codes);
      const results = await Promise.all(
        [0, 1].map(() => a.call('POST', '/api/users/token/refresh/', { body: { refresh: user.refresh } })),
      );
      expect(results.map((r) => r.status).sort()).toEqual([200, 401]);
      const winner = results.find((r) => r.status === 200);
      const loser = results.find((r) => r.status === 401);
      expect(loser?.json.code).toBe('TOKEN_INVALID');
      // The race was within the grace window: the family is intact.
      const me = await a.call('GET', '/api/users/me/', { token: String(winner?.json.access) });
      expect(me.status).toBe(200);
      const next = await a.call('POST', '/api/users/token/refresh/', {
        body: { refresh: winner?.json.refresh },
      });
      expect(next.status).toBe(200);
    }
  });

  it('parallel registrations of one email: one 201, the others 400 on email', async () => {
    for (let round = 0; round < 3; round++) {
      const email = uniqueEmail('race');
      const results = await Promise.all(
        [0, 1, 2].map((i) =>
          a.call('POST', '/api/users/register/', {
            body: { email: i === 0 ? email : email.toUpperCase(), password: STRONG, username: uniqueName() },
          }),
        ),
      );
      expect(results.map((r) => r.status).sort()).toEqual([201, 400, 400]);
      for (const r of results.filter((x) => x.status === 400)) {
        expect(r.json).toEqual({ email: [expect.any(String)] });
      }
      codes.push((await a.smtp.next(email, 'verify')).code ?? '');
      const rows = await a.testDb.db
        .selectFrom('users')
        .select('id')
        .where('email', 'ilike', email)
        .execute();
      expect(rows).toHaveLength(1);
    }
  });

  it('the same code sent twice at once verifies once', async () => {
    const email = uniqueEmail('twice');
    await a.call('POST', '/api/users/register/', {
      body: { email, password: STRONG, username: uniqueName() },
    });
    const code = (await a.smtp.next(email, 'verify')).code ?? '';
    codes.push(code);
    const results = await Promise.all(
      [0, 1].map(() => a.call('POST', '/api/users/verify-otp/', { body: { email, otp: code } })),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 400]);
  });

  it('leaks nothing', async () => {
    await expectNoSecrets(a.bodies, a.testDb, codes);
  });
});
