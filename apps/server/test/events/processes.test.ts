/**
 * Live events across real server processes on one PostgreSQL database: a post written through
 * process A reaches subscribers connected to process B (the SDK over tRPC SSE, and the REST stream)
 * within a second, through PostgreSQL's NOTIFY. PostgreSQL only: PGlite lives inside one process.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openTestDb, type TestDb } from '@lectern/db/testing';
import { type ContentEvent, createLecternClient } from '@lectern/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertUser, TEST_JWT_SECRET } from '../helpers.ts';
import { type ServerProc, startServer, stopServer } from '../server-process.ts';
import { openSse, within } from './sse.ts';

const onPostgres = process.env.LECTERN_TEST_DB === 'postgres';

describe.runIf(onPostgres)('live events across server processes', { timeout: 120_000 }, () => {
  let testDb: TestDb;
  let dataDir: string;
  const procs: ServerProc[] = [];

  beforeAll(async () => {
    testDb = await openTestDb();
    dataDir = await mkdtemp(path.join(tmpdir(), 'lectern-events-'));
    const env = {
      NODE_ENV: 'development',
      DATABASE_URL: testDb.databaseUrl ?? '',
      JWT_SECRET: TEST_JWT_SECRET,
      DATA_DIR: dataDir,
      LOG_FORMAT: 'json',
    };
    procs.push(...(await Promise.all([startServer(env), startServer(env)])));
  });
  afterAll(async () => {
    for (const p of procs) await stopServer(p, 'SIGKILL');
    await testDb?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('a post written through A reaches subscribers on B within a second', async () => {
    const [a, b] = procs;
    if (!a || !b) throw new Error('servers not started');
    const author = await insertUser(testDb);
    const reader = await insertUser(testDb);

    const onB = createLecternClient({ url: b.url });
    await onB.auth.setTokens({ access: reader.token, refresh: '' });
    const seen: Array<ContentEvent & { receivedAt: number }> = [];
    let open = false;
    const subscription = onB.events.onEvent((event) => seen.push({ ...event, receivedAt: Date.now() }), {
      onStateChange: (state) => {
        open = state === 'open';
      },
    });
    await within(10_000, () => open, 'subscription on B open');
    const rest = await openSse(`${b.url}/api/events/`, { authorization: `Bearer ${reader.token}` });
    expect(rest.status).toBe(200);

    const onA = createLecternClient({ url: a.url });
    await onA.auth.setTokens({ access: author.token, refresh: '' });
    const post = await onA.posts.create.mutate({ title: 'Written on A', is_published: true });
    const sentAt = Date.now();
    const received = await within(1_000, () => seen.find((e) => e.slug === post.slug), 'event on B (SDK)');
    expect(received.type).toBe('post.created');
    expect(received.receivedAt - sentAt).toBeLessThan(1_000);
    const frame = await rest.next((f) => f.event === 'post.created', 1_000);
    expect(JSON.parse(frame.data)).toMatchObject({ slug: post.slug, id: received.id });

    // A draft written on A stays away from the reader on B; its publication does not.
    const draft = await onA.posts.create.mutate({ title: 'Draft on A' });
    await onA.posts.update.mutate({ slug: draft.slug, is_published: true });
    await within(1_000, () => seen.find((e) => e.slug === draft.slug), 'publication on B');
    expect(seen.filter((e) => e.slug === draft.slug).map((e) => e.type)).toEqual(['post.published']);

    subscription.unsubscribe();
    rest.close();
  });
});
