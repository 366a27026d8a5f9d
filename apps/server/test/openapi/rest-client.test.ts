/**
 * The register → verify → login → create post → list flow through a client generated from the
 * committed OpenAPI document (openapi-typescript + openapi-fetch), against a listening server on
 * PostgreSQL, with real mail over SMTP for the verification code.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AccountsApp, accountsApp, STRONG, uniqueEmail, uniqueName } from '../accounts-helpers.ts';
import { registerVerifyLoginPostList } from './rest-client/flow.ts';

describe.runIf(process.env.LECTERN_TEST_DB === 'postgres')('a client generated from the spec alone', () => {
  let a: AccountsApp;
  beforeAll(async () => {
    a = await accountsApp();
  });
  afterAll(async () => {
    await a.closeAll();
  });

  it('registers, verifies, logs in, creates a post and finds it in the list', async () => {
    const account = { email: uniqueEmail('rest'), username: uniqueName('rest'), password: STRONG };
    const result = await registerVerifyLoginPostList(a.url, account, async (email) => {
      const code = (await a.smtp.next(email, 'verify')).code;
      if (!code) throw new Error(`no code in the mail to ${email}`);
      return code;
    });

    expect(result.registered).toEqual({ status: 201, slug: expect.any(String), is_verified: false });
    expect(result.verified).toEqual({ status: 200, is_verified: true });
    expect(result.login).toEqual({ status: 200, access: expect.any(String), username: account.username });

    const post = result.created.post;
    expect(result.created.status).toBe(201);
    expect(post.author.username).toBe(account.username);
    expect(post.tags).toEqual(['generated', 'openapi']);
    expect(post.is_published).toBe(true);
    expect(post.body).not.toContain('<script');
    expect(new Date(post.created_at).toISOString()).toBe(post.created_at);

    expect(result.listed.status).toBe(200);
    expect(result.listed.page.count).toBe(1);
    expect(result.listed.page.results.map((p) => p.slug)).toEqual([post.slug]);
    expect(result.listed.page.results[0]).not.toHaveProperty('body');

    expect(result.anonymousList).toEqual({
      status: 401,
      error: { detail: expect.any(String), code: 'NOT_AUTHENTICATED' },
    });
  });
});
