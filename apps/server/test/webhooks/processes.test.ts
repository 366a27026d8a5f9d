/**
 * The durable delivery queue across real server processes on PostgreSQL: a process that commits a
 * change and is killed (SIGKILL) before sending anything leaves its delivery queued, and a process
 * started afterwards sends it; a delivery left `delivering` by a dead worker is taken over once its
 * lease is over. The receiver is a real HTTP server on 127.0.0.1 (WEBHOOK_ALLOW_PRIVATE=true).
 */
import { createHmac } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { openTestDb, type TestDb } from '@lectern/db/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, insertUser, TEST_JWT_SECRET } from '../helpers.ts';
import { type ServerProc, startServer, stopServer } from '../server-process.ts';

const onPostgres = process.env.LECTERN_TEST_DB === 'postgres';

describe.runIf(onPostgres)('webhook deliveries after a crash', { timeout: 120_000 }, () => {
  let testDb: TestDb;
  let dataDir: string;
  let receiver: Server;
  let receiverUrl: string;
  const received: Array<{ headers: IncomingHttpHeaders; body: string }> = [];
  const procs: ServerProc[] = [];

  beforeAll(async () => {
    testDb = await openTestDb();
    dataDir = await mkdtemp(path.join(tmpdir(), 'lectern-webhooks-'));
    receiver = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => {
        body += chunk;
      });
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.writeHead(204).end();
      });
    });
    receiver.listen(0, '127.0.0.1');
    await once(receiver, 'listening');
    receiverUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hook`;
  });
  afterAll(async () => {
    for (const proc of procs) {
      if (proc.child.exitCode === null && proc.child.signalCode === null) {
        proc.child.kill('SIGKILL');
        await once(proc.child, 'exit');
      }
    }
    receiver?.close();
    await testDb?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('a change committed by a process killed at once is delivered by the next process, signed', async () => {
    const env = {
      NODE_ENV: 'production',
      LOG_FORMAT: 'json',
      WORKERS: '1',
      DATABASE_URL: testDb.databaseUrl ?? '',
      JWT_SECRET: TEST_JWT_SECRET,
      DATA_DIR: dataDir,
      PUBLISH_SCHEDULER: 'false',
      WEBHOOK_ALLOW_PRIVATE: 'true',
    };
    const root = await insertUser(testDb, { is_superuser: true, is_staff: true });
    const author = await insertUser(testDb);
    const writer = await startServer({ ...env, WEBHOOK_DELIVERY: 'false' });
    procs.push(writer);
    const post = async (url: string, token: string, body: object) => {
      const res = await fetch(`${writer.url}${url}`, {
        method: 'POST',
        headers: { ...bearer(token), 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(res.status).toBe(201);
      return (await res.json()) as Record<string, unknown>;
    };
    const hook = await post('/api/webhooks/', root.token, { url: receiverUrl, events: ['post.created'] });
    const first = await post('/api/posts/', author.token, { title: 'Written before the crash' });
    const second = await post('/api/posts/', author.token, { title: 'Claimed by a worker that died' });
    // The 201 came after the commit: the process dies now, before any delivery could be sent.
    writer.child.kill('SIGKILL');
    await once(writer.child, 'exit');
    expect(received).toEqual([]);

    const rows = () =>
      testDb.db
        .selectFrom('webhook_deliveries')
        .select(['id', 'subject', 'status', 'attempts'])
        .where('webhook_id', '=', Number(hook.id))
        .orderBy('id')
        .execute();
    expect((await rows()).map((r) => [r.subject, r.status])).toEqual([
      [`post:${first.slug}`, 'pending'],
      [`post:${second.slug}`, 'pending'],
    ]);
    // What a worker that claimed the second one and died leaves behind, its lease just over.
    await testDb.db
      .updateTable('webhook_deliveries')
      .set({ status: 'delivering', attempts: 1, next_attempt_at: sql<Date>`now() - interval '1 second'` })
      .where('subject', '=', `post:${second.slug}`)
      .execute();

    const started = Date.now();
    const deliverer = await startServer({ ...env, WEBHOOK_DELIVERY_INTERVAL_MS: '200' });
    procs.push(deliverer);
    const deadline = Date.now() + 30_000;
    while (received.length < 2 && Date.now() < deadline) await sleep(100);
    console.log(
      `[webhooks, PostgreSQL] both queued deliveries sent ${Date.now() - started} ms after the restart began`,
    );

    expect(received).toHaveLength(2);
    const bySlug = new Map(
      received.map((r) => [(JSON.parse(r.body) as { data: { slug: string } }).data.slug, r]),
    );
    for (const [slug, attempt] of [
      [first.slug, '1'],
      [second.slug, '2'],
    ] as const) {
      const hit = bySlug.get(String(slug));
      expect(hit, String(slug)).toBeDefined();
      if (!hit) continue;
      const timestamp = String(hit.headers['lectern-webhook-timestamp']);
      const expected = `v1=${createHmac('sha256', String(hook.secret)).update(`${timestamp}.${hit.body}`).digest('hex')}`;
      expect(hit.headers['lectern-webhook-signature']).toBe(expected);
      expect(hit.headers['lectern-webhook-attempt']).toBe(attempt);
    }
    await sleep(300);
    expect((await rows()).map((r) => [r.status, r.attempts])).toEqual([
      ['succeeded', 1],
      ['succeeded', 2],
    ]);
    expect(await stopServer(deliverer), 'stops cleanly with its worker').toBe(0);
  });
});
