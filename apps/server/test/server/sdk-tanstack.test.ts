/**
 * The SDK under `@trpc/tanstack-react-query`: a tRPC client built from the SDK's exported `links` shares
 * its tokens, so TanStack Query fetches refresh an expired access token and retry, and failures surface
 * as LecternError.
 */
import { createLecternClient, LecternError } from '@lectern/sdk';
import { QueryClient } from '@tanstack/react-query';
import { createTRPCClient } from '@trpc/client';
import { createTRPCOptionsProxy } from '@trpc/tanstack-react-query';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AccountsApp, accountsApp, registeredUser } from '../accounts-helpers.ts';

describe('@trpc/tanstack-react-query over the SDK links', () => {
  let a: AccountsApp;
  beforeAll(async () => {
    a = await accountsApp();
  });
  afterAll(async () => {
    await a.closeAll();
  });

  it('refreshes an invalid access token once, shared with the SDK client, and retries the query', async () => {
    const user = await registeredUser(a);
    const lectern = createLecternClient({ url: a.url });
    await lectern.auth.login(user.email, user.password);
    const before = await lectern.auth.tokens();

    const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    const trpc = createTRPCOptionsProxy({ client: createTRPCClient({ links: lectern.links }), queryClient });

    // The access token goes bad (expired, say): the query still succeeds, through one refresh.
    await lectern.auth.setTokens({ access: 'expired.or.forged', refresh: before?.refresh ?? '' });
    const me = await queryClient.fetchQuery(trpc.users.me.queryOptions());
    expect(me.email).toBe(user.email);
    expect(me.date_joined).toBeInstanceOf(Date);
    const after = await lectern.auth.tokens();
    expect(after?.access).not.toBe('expired.or.forged');
    expect(after?.refresh).not.toBe(before?.refresh);
    // The SDK client sees the refreshed tokens too.
    expect((await lectern.users.me.query()).id).toBe(me.id);

    // A failure that is not a token problem goes through unchanged; the SDK client reports it as LecternError.
    const missing = await queryClient
      .fetchQuery(trpc.users.get.queryOptions({ slug: 'nobody-00000000' }))
      .catch((e: unknown) => e);
    expect(LecternError.from(missing)).toMatchObject({ code: 'NOT_FOUND', status: 404 });
    await expect(lectern.users.get.query({ slug: 'nobody-00000000' })).rejects.toBeInstanceOf(LecternError);
  });
});
