/**
 * Live content events over real HTTP on a listening port: the SDK's subscription (tRPC over SSE) and
 * the REST stream `GET /api/events/`. Each committed change reaches the subscribers allowed to see it
 * within a second; a resumed subscription gets what it missed; an expired access token ends a stream
 * (the SDK renews it and resumes); closing the server ends every stream.
 */
import { signAccessToken } from '@lectern/api/testing';
import {
  type ContentEvent,
  createContentClient,
  createLecternClient,
  type EventHelpers,
  type LecternClient,
} from '@lectern/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AccountsApp, accountsApp, registeredUser } from '../accounts-helpers.ts';
import { createTestApp, insertUser, TEST_JWT_SECRET } from '../helpers.ts';
import { openSse, within } from './sse.ts';

/** A signed-in SDK client for a user inserted directly (an hour-long access token). */
function clientFor(url: string, token: string): LecternClient {
  const client = createLecternClient({ url });
  void client.auth.setTokens({ access: token, refresh: '' });
  return client;
}

/** Every event a client receives, with the time it arrived. */
function record(client: { events: EventHelpers }, lastEventId?: number) {
  const seen: Array<ContentEvent & { receivedAt: number }> = [];
  const errors: unknown[] = [];
  let open = false;
  const subscription = client.events.onEvent((event) => seen.push({ ...event, receivedAt: Date.now() }), {
    ...(lastEventId === undefined ? {} : { lastEventId }),
    onError: (error) => errors.push(error),
    onStateChange: (state) => {
      open = state === 'open';
    },
  });
  return {
    seen,
    errors,
    subscription,
    /** Resolves once the server has accepted the subscription. */
    opened: () => within(5_000, () => open, 'subscription open'),
    find: (type: string, slug: string) =>
      within(1_000, () => seen.find((e) => e.type === type && e.slug === slug), `${type} ${slug}`),
  };
}

describe('live content events', () => {
  let a: AccountsApp;
  beforeAll(async () => {
    // Logins get 3-second access tokens (the renewal test); inserted users get hour-long ones.
    a = await accountsApp({ ACCESS_TOKEN_TTL_SECONDS: '3' });
  });
  afterAll(async () => {
    await a.closeAll();
  });

  it('reaches SDK subscribers within a second, each seeing only what it may: drafts stay with their author and staff', async () => {
    const author = await insertUser(a.testDb);
    const reader = await insertUser(a.testDb);
    const staff = await insertUser(a.testDb, { is_staff: true });
    const writer = clientFor(a.url, author.token);
    const authorSide = record(writer);
    const readerSide = record(clientFor(a.url, reader.token));
    const staffSide = record(clientFor(a.url, staff.token));
    const key = await clientFor(a.url, staff.token).contentKeys.create.mutate({ name: 'events test' });
    const keySide = record(createContentClient({ url: a.url, key: key.key }));
    await Promise.all([authorSide, readerSide, staffSide, keySide].map((side) => side.opened()));

    const post = await writer.posts.create.mutate({ title: 'Live draft' });
    // From the acknowledged (committed) write: the event may even arrive before the answer does.
    const writtenAt = Date.now();
    const created = await staffSide.find('post.created', post.slug);
    await authorSide.find('post.created', post.slug);
    expect(created).toMatchObject({ type: 'post.created', slug: post.slug });
    expect(created.at).toBeInstanceOf(Date);
    expect(Object.keys(created).sort()).toEqual(['at', 'id', 'receivedAt', 'slug', 'type']);
    expect(created.receivedAt - writtenAt).toBeLessThan(1_000);

    await writer.posts.update.mutate({ slug: post.slug, is_published: true });
    for (const side of [authorSide, readerSide, staffSide, keySide])
      await side.find('post.published', post.slug);
    await writer.posts.delete.mutate({ slug: post.slug });
    for (const side of [authorSide, readerSide, staffSide, keySide])
      await side.find('post.deleted', post.slug);

    // The draft's creation came before the publication: had the reader been sent it, it would be here.
    const typesOf = (side: typeof authorSide) =>
      side.seen.filter((e) => e.slug === post.slug).map((e) => e.type);
    expect(typesOf(authorSide)).toEqual(['post.created', 'post.published', 'post.deleted']);
    expect(typesOf(staffSide)).toEqual(['post.created', 'post.published', 'post.deleted']);
    expect(typesOf(readerSide)).toEqual(['post.published', 'post.deleted']);
    expect(typesOf(keySide)).toEqual(['post.published', 'post.deleted']);
    // Events arrive in id order.
    const ids = staffSide.seen.map((e) => e.id);
    expect(ids).toEqual([...ids].sort((x, y) => x - y));
    for (const side of [authorSide, readerSide, staffSide, keySide]) {
      side.subscription.unsubscribe();
      expect(side.errors).toEqual([]);
    }
  });

  it('a subscription resumed with its last event id gets the events it missed first', async () => {
    const staff = await insertUser(a.testDb, { is_staff: true });
    const client = clientFor(a.url, staff.token);
    const first = record(client);
    await first.opened();
    const before = await client.categories.create.mutate({
      name: `Before ${crypto.randomUUID().slice(0, 8)}`,
    });
    const seenBefore = await first.find('category.created', before.slug);
    first.subscription.unsubscribe();
    expect(first.subscription.lastEventId).toBe(seenBefore.id);

    const missed = await client.categories.update.mutate({ slug: before.slug, description: 'while away' });
    await client.categories.delete.mutate({ slug: missed.slug });
    const resumed = record(client, seenBefore.id);
    await resumed.find('category.deleted', before.slug);
    expect(resumed.seen.map((e) => [e.type, e.slug])).toEqual([
      ['category.updated', before.slug],
      ['category.deleted', before.slug],
    ]);
    resumed.subscription.unsubscribe();
    // A client that leaves frees its slot on the server.
    await expect.poll(() => a.services.events.size, { timeout: 2_000 }).toBe(0);
  });

  it('serves the same events as a REST stream, resumable with Last-Event-ID', async () => {
    const staff = await insertUser(a.testDb, { is_staff: true });
    const client = clientFor(a.url, staff.token);
    const stream = await openSse(`${a.url}/api/events/`, { authorization: `Bearer ${staff.token}` });
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(stream.headers.get('cache-control')).toBe('no-cache, no-transform');
    const category = await client.categories.create.mutate({
      name: `Rest ${crypto.randomUUID().slice(0, 8)}`,
    });
    const frame = await stream.next((f) => f.event === 'category.created', 1_000);
    const data = JSON.parse(frame.data) as Record<string, unknown>;
    expect(data).toEqual({
      id: Number(frame.id),
      type: 'category.created',
      slug: category.slug,
      at: expect.any(String),
    });
    expect(new Date(String(data.at)).toISOString()).toBe(data.at);
    stream.close();

    await client.categories.update.mutate({
      slug: category.slug,
      name: `Renamed ${crypto.randomUUID().slice(0, 8)}`,
    });
    const resumed = await openSse(`${a.url}/api/events`, {
      authorization: `Bearer ${staff.token}`,
      'last-event-id': String(frame.id),
    });
    const update = await resumed.next((f) => f.event === 'category.updated');
    expect(JSON.parse(update.data)).toMatchObject({ slug: category.slug });
    expect(Number(update.id)).toBeGreaterThan(Number(frame.id));
    resumed.close();
  });

  it('opens the REST stream with a content key in the query string (a browser EventSource) and, while anonymous reading is on, with nothing; both see public events only', async () => {
    const author = await insertUser(a.testDb);
    const staff = await insertUser(a.testDb, { is_staff: true });
    const writer = clientFor(a.url, author.token);
    const key = await clientFor(a.url, staff.token).contentKeys.create.mutate({ name: 'browser' });
    const byKey = await openSse(`${a.url}/api/events/?key=${encodeURIComponent(key.key)}`);
    expect(byKey.status).toBe(200);
    await a.services.settings.update({ anonymous_read: true });
    try {
      const anonymous = await openSse(`${a.url}/api/events/`);
      expect(anonymous.status).toBe(200);
      const draft = await writer.posts.create.mutate({ title: 'Not for the public' });
      await writer.posts.update.mutate({ slug: draft.slug, is_published: true });
      for (const stream of [byKey, anonymous]) {
        await stream.next((f) => f.event === 'post.published' && f.data.includes(draft.slug), 1_000);
        expect(stream.frames.filter((f) => f.data.includes(draft.slug)).map((f) => f.event)).toEqual([
          'post.published',
        ]);
        stream.close();
      }
    } finally {
      await a.services.settings.update({ anonymous_read: false });
    }
  });

  it('refuses in the contract shape: no credential, a bad or expired resume point, a bad token', async () => {
    const none = await openSse(`${a.url}/api/events/`);
    expect(none.status).toBe(401);
    expect(none.body).toEqual({ detail: expect.any(String), code: 'NOT_AUTHENTICATED' });
    const forged = await openSse(`${a.url}/api/events/`, { authorization: 'Bearer not.a.token' });
    expect(forged.status).toBe(401);
    expect(forged.body).toMatchObject({ code: 'TOKEN_INVALID' });

    const user = await insertUser(a.testDb);
    const auth = { authorization: `Bearer ${user.token}` };
    const bad = await openSse(`${a.url}/api/events/`, { ...auth, 'last-event-id': 'abc' });
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({ last_event_id: [expect.any(String)] });
    const gone = await openSse(`${a.url}/api/events/`, { ...auth, 'last-event-id': '999999999' });
    expect(gone.status).toBe(410);
    expect(gone.body).toEqual({ detail: expect.any(String), code: 'EVENTS_EXPIRED' });

    // The tRPC door: the same refusal reaches the SDK as a LecternError.
    const anonymous = record(createLecternClient({ url: a.url }));
    const [error] = await within(
      2_000,
      () => (anonymous.errors.length ? anonymous.errors : undefined),
      'error',
    );
    expect(error).toMatchObject({ code: 'NOT_AUTHENTICATED' });
    anonymous.subscription.unsubscribe();
    const expired = record(clientFor(a.url, user.token), 999_999_999);
    const [gone2] = await within(2_000, () => (expired.errors.length ? expired.errors : undefined), 'error');
    expect(gone2).toMatchObject({ code: 'EVENTS_EXPIRED' });
    expired.subscription.unsubscribe();
  });

  it('ends a stream when its access token expires; the SDK renews the token and resumes without a gap', async () => {
    const staff = await insertUser(a.testDb, { is_staff: true });
    const writer = clientFor(a.url, staff.token);
    const shortLived = await signAccessToken(TEST_JWT_SECRET, staff.id, 2);
    const stream = await openSse(`${a.url}/api/events/`, { authorization: `Bearer ${shortLived}` });
    const end = await stream.next((f) => f.event === 'stream-error', 4_000);
    expect(JSON.parse(end.data)).toEqual({ detail: expect.any(String), code: 'TOKEN_INVALID' });
    await stream.ended;

    // A logged-in SDK client (3-second access tokens, a real refresh token) outlives several tokens.
    const user = await registeredUser(a);
    const sdk = createLecternClient({ url: a.url });
    await sdk.auth.login(user.email, user.password);
    const side = record(sdk);
    await side.opened();
    const tokenAtStart = (await sdk.auth.tokens())?.access;
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    const category = await writer.categories.create.mutate({
      name: `After ${crypto.randomUUID().slice(0, 8)}`,
    });
    await side.find('category.created', category.slug);
    expect((await sdk.auth.tokens())?.access).not.toBe(tokenAtStart);
    expect(side.errors).toEqual([]);
    side.subscription.unsubscribe();
  });

  it('caps subscribers per process (503 EVENTS_UNAVAILABLE), and closing the server ends every stream', async () => {
    const t = await createTestApp({ EVENTS_MAX_SUBSCRIBERS: '2' }, a.testDb);
    const url = await t.app.listen({ port: 0, host: '127.0.0.1' });
    const user = await insertUser(a.testDb);
    const auth = { authorization: `Bearer ${user.token}` };
    const rest = await openSse(`${url}/api/events/`, auth);
    expect(rest.status).toBe(200);
    const sdk = record(clientFor(url, user.token));
    await sdk.opened();
    const third = await openSse(`${url}/api/events/`, auth);
    expect(third.status).toBe(503);
    expect(third.body).toEqual({ detail: expect.any(String), code: 'EVENTS_UNAVAILABLE' });
    expect(t.services.events.size).toBe(2);

    const started = Date.now();
    await t.close();
    expect(Date.now() - started).toBeLessThan(3_000);
    const last = await rest.next((f) => f.event === 'stream-error');
    expect(JSON.parse(last.data)).toMatchObject({ code: 'EVENTS_UNAVAILABLE' });
    await rest.ended;
    expect(t.services.events.size).toBe(0);
    sdk.subscription.unsubscribe();
  });
});
