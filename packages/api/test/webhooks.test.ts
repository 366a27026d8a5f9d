/**
 * Webhooks on both databases: the superuser procedures, and deliveries made by the worker's pass
 * (deliverDueWebhooks) to a real HTTP receiver on 127.0.0.1 (private addresses allowed for it) —
 * signature checked with the README's recipe, retries after 500s, order per post under retries, the
 * SSRF rule (at create and at send time), redirects not followed, timeouts, redelivery, pings, and on
 * PostgreSQL two workers sharing one queue.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthUser } from '../src/context.ts';
import { describeError } from '../src/errors.ts';
import { isPublicAddress } from '../src/webhooks/addresses.ts';
import {
  deliverDueWebhooks,
  retryDelayMs,
  startWebhookWorker,
  type WebhookDeliveryOptions,
} from '../src/webhooks/index.ts';
import { openProcedures, type Procedures } from './caller.ts';

const onPostgres = process.env.LECTERN_TEST_DB === 'postgres';

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** The README's verification recipe, as a receiver would write it. */
function verify(secret: string, headers: IncomingHttpHeaders, body: string): boolean {
  const timestamp = String(headers['lectern-webhook-timestamp']);
  const given = String(headers['lectern-webhook-signature']);
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > 300) return false; // replay window
  const expected = `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
  return given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected));
}

/** What a machine code or field map an error stands for (for asserting refusals). */
const refusal = async (work: () => Promise<unknown>): Promise<string | Record<string, string[]>> => {
  try {
    await work();
    return 'ok';
  } catch (error) {
    const info = describeError(error);
    if (info.machineCode === 'INTERNAL_ERROR') throw error;
    return info.fields ?? info.machineCode;
  }
};

describe('webhooks', () => {
  let p: Procedures;
  let root: AuthUser;
  let staff: AuthUser;
  let author: AuthUser;
  let receiver: Server;
  let base: string;
  const received: Received[] = [];
  /** How each path answers; 200 when not set. */
  const answers = new Map<string, (res: ServerResponse, hit: number) => void | Promise<void>>();

  const options: WebhookDeliveryOptions = {
    db: undefined as never,
    timeoutMs: 1000,
    maxAttempts: 3,
    retryBaseMs: 40,
    retryMaxDelayMs: 100,
    allowPrivate: true,
    batchSize: 10,
    version: '0.0.0-test',
  };

  beforeAll(async () => {
    p = await openProcedures({ webhookAllowPrivate: true });
    options.db = p.testDb.db;
    root = await p.user({ is_superuser: true, is_staff: true });
    staff = await p.user({ is_staff: true });
    author = await p.user();
    receiver = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => {
        body += chunk;
      });
      req.on('end', async () => {
        const path = req.url ?? '/';
        received.push({ path, headers: req.headers, body });
        const answer = answers.get(path);
        if (answer) await answer(res, received.filter((r) => r.path === path).length);
        else res.writeHead(200).end('ok');
      });
    });
    receiver.listen(0, '127.0.0.1');
    await once(receiver, 'listening');
    base = `http://127.0.0.1:${(receiver.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    receiver?.closeAllConnections();
    receiver?.close();
    await p?.close();
  });

  const hits = (path: string) => received.filter((r) => r.path === path);
  const bodyOf = (r: Received) =>
    JSON.parse(r.body) as { id: string; type: string; data: Record<string, unknown> };

  /** Runs worker passes until `webhookId` has nothing unfinished (up to 10 s). */
  async function drain(webhookId: number, opts: Partial<WebhookDeliveryOptions> = {}): Promise<void> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      await deliverDueWebhooks({ ...options, ...opts });
      const left = await p.testDb.db
        .selectFrom('webhook_deliveries')
        .select(sql<number>`count(*)::int`.as('n'))
        .where('webhook_id', '=', webhookId)
        .where('status', 'in', ['pending', 'delivering'])
        .executeTakeFirstOrThrow();
      if (left.n === 0) return;
      if (Date.now() > deadline) throw new Error('deliveries still pending after 10 s');
      await sleep(20);
    }
  }

  /** An endpoint at `path` on the receiver; deleted by the test when done. */
  const endpoint = (
    path: string,
    events: Parameters<ReturnType<Procedures['as']>['webhooks']['create']>[0]['events'],
  ) => p.as(root).webhooks.create({ url: `${base}${path}`, events });

  it('is for superusers only, and shows the secret once', async () => {
    for (const user of [staff, author]) {
      expect(await refusal(() => p.as(user).webhooks.list({}))).toBe('PERMISSION_DENIED');
      expect(
        await refusal(() => p.as(user).webhooks.create({ url: `${base}/x`, events: ['post.created'] })),
      ).toBe('PERMISSION_DENIED');
    }
    expect(await refusal(() => p.as(null).webhooks.list({}))).toBe('NOT_AUTHENTICATED');

    const as = p.as(root);
    const created = await as.webhooks.create({
      url: `${base}/crud`,
      events: ['post.created', 'post.created', 'file.deleted'],
      description: 'CRUD',
    });
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(created).toMatchObject({
      url: `${base}/crud`,
      events: ['post.created', 'file.deleted'],
      description: 'CRUD',
      enabled: true,
      created_by: { id: root.id },
    });
    const read = await as.webhooks.get({ id: created.id });
    const list = await as.webhooks.list({});
    const updated = await as.webhooks.update({
      id: created.id,
      enabled: false,
      events: ['category.updated'],
    });
    for (const answer of [read, list, updated]) expect(JSON.stringify(answer)).not.toContain(created.secret);
    expect(read).not.toHaveProperty('secret');
    expect(list.results.map((w) => w.id)).toContain(created.id);
    expect(updated).toMatchObject({ enabled: false, events: ['category.updated'], description: 'CRUD' });

    const rotated = await as.webhooks.rotateSecret({ id: created.id });
    expect(rotated.secret).toMatch(/^whsec_/);
    expect(rotated.secret).not.toBe(created.secret);
    const stored = await p.testDb.db
      .selectFrom('webhooks')
      .select('secret')
      .where('id', '=', created.id)
      .executeTakeFirstOrThrow();
    expect(stored.secret).toBe(rotated.secret);

    expect(
      await refusal(() => as.webhooks.create({ url: 'ftp://example.com/', events: ['post.created'] })),
    ).toEqual({ url: ['Only http and https URLs are allowed.'] });
    expect(
      await refusal(() => as.webhooks.create({ url: 'https://u:p@example.com/', events: ['post.created'] })),
    ).toEqual({ url: ['A webhook URL may not carry a user name or password.'] });
    expect(await refusal(() => as.webhooks.create({ url: 'https://example.com/', events: [] }))).toEqual({
      events: ['Choose at least one event.'],
    });
    expect(
      await refusal(() =>
        as.webhooks.create({ url: 'https://example.com/', events: ['post.exploded' as never] }),
      ),
    ).toHaveProperty('events');

    await as.webhooks.delete({ id: created.id });
    expect(await refusal(() => as.webhooks.get({ id: created.id }))).toBe('NOT_FOUND');
    expect(await refusal(() => as.webhooks.delete({ id: created.id }))).toBe('NOT_FOUND');
    expect(await refusal(() => as.webhooks.get({ id: 'abc' as unknown as number }))).toBe('NOT_FOUND');
  });

  it('refuses non-public addresses unless WEBHOOK_ALLOW_PRIVATE, at create and at send time', async () => {
    expect(
      ['127.0.0.1', '10.1.2.3', '172.16.0.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0']
        .concat([
          '::1',
          'fe80::1',
          'fc00::1',
          'ff02::1',
          '::',
          '::ffff:127.0.0.1',
          '::ffff:10.0.0.1',
          '224.0.0.1',
          '255.255.255.255',
        ])
        .filter(isPublicAddress),
    ).toEqual([]);
    expect(
      ['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946', '::ffff:93.184.216.34'].every(isPublicAddress),
    ).toBe(true);

    const as = p.as(root);
    p.config.webhookAllowPrivate = false;
    try {
      for (const url of [
        'http://127.0.0.1:8080/hook',
        'http://localhost/hook',
        'http://api.localhost/hook',
        'http://[::1]/hook',
        'http://[::ffff:7f00:1]/hook',
        'http://10.0.0.8/hook',
        'http://169.254.169.254/latest/meta-data',
        'http://2130706433/hook', // 127.0.0.1 as one number: the URL parser normalises it
      ]) {
        expect(await refusal(() => as.webhooks.create({ url, events: ['post.created'] })), url).toBe(
          'WEBHOOK_ADDRESS_REFUSED',
        );
      }
      const publicHook = await as.webhooks.create({
        url: 'https://93.184.216.34/hook',
        events: ['file.created'],
      });
      expect(
        await refusal(() => as.webhooks.update({ id: publicHook.id, url: 'http://192.168.0.10/' })),
      ).toBe('WEBHOOK_ADDRESS_REFUSED');
      await as.webhooks.delete({ id: publicHook.id });
    } finally {
      p.config.webhookAllowPrivate = true;
    }

    // Names that resolve to this machine, saved while the switch was on, are refused when sending
    // with it off: by name (localhost) and by what DNS answers (this machine's host name, when it
    // resolves to a non-public address, as /etc/hosts makes it here).
    const port = new URL(base).port;
    const names = ['localhost'];
    const own = await lookup(hostname(), { all: true }).catch(() => []);
    if (own.length > 0 && own.some((a) => !isPublicAddress(a.address))) names.push(hostname());
    for (const name of names) {
      const hook = await as.webhooks.create({
        url: `http://${name}:${port}/ssrf`,
        events: ['category.created'],
      });
      await as.categories.create({ name: `SSRF ${name} ${Date.now()}` });
      await drain(hook.id, { allowPrivate: false });
      const [delivery] = (await as.webhooks.listDeliveries({ id: hook.id })).results;
      expect(delivery, name).toMatchObject({ status: 'failed', attempts: 1, response_status: null });
      expect(delivery?.error, name).toMatch(/not a public address|is this machine/);
      await as.webhooks.delete({ id: hook.id });
    }
    expect(hits('/ssrf')).toEqual([]);
  });

  it('delivers a post change as a signed JSON POST that verifies with the documented recipe', async () => {
    const hook = await endpoint('/signed', ['post.created', 'post.published']);
    const post = await p.as(author).posts.create({ title: 'Signed delivery' });
    await drain(hook.id);
    const [hit] = hits('/signed');
    expect(hit).toBeDefined();
    if (!hit) return;
    expect(verify(hook.secret, hit.headers, hit.body)).toBe(true);
    expect(verify(hook.secret, hit.headers, `${hit.body} `), 'a changed body fails').toBe(false);
    expect(verify(`${hook.secret}x`, hit.headers, hit.body), 'another secret fails').toBe(false);
    expect(hit.headers).toMatchObject({
      'content-type': 'application/json',
      'lectern-webhook-event': 'post.created',
      'lectern-webhook-attempt': '1',
      'user-agent': 'Lectern-Webhooks/0.0.0-test',
    });
    const body = bodyOf(hit);
    expect(body).toMatchObject({
      type: 'post.created',
      data: { slug: post.slug, author_id: author.id, is_public: false },
    });
    expect(body.id).toMatch(/^evt_\d+$/);
    expect(hit.headers['lectern-webhook-id']).toBe(body.id);

    const log = await p.as(root).webhooks.listDeliveries({ id: hook.id });
    expect(log.count).toBe(1);
    expect(log.results[0]).toMatchObject({
      status: 'succeeded',
      attempts: 1,
      response_status: 200,
      event_type: 'post.created',
      subject: `post:${post.slug}`,
      next_attempt_at: null,
      error: null,
    });
    expect(log.results[0]?.duration_ms).toBeGreaterThanOrEqual(0);
    expect(String(hit.headers['lectern-webhook-delivery'])).toBe(String(log.results[0]?.id));
    await p.as(root).webhooks.delete({ id: hook.id });
  });

  it('retries after 500s (the 3rd attempt succeeds) and gives up after WEBHOOK_MAX_ATTEMPTS', async () => {
    answers.set('/flaky', (res, hit) => {
      res.writeHead(hit <= 2 ? 500 : 204).end();
    });
    answers.set('/down', (res) => {
      res.writeHead(503).end();
    });
    const flaky = await endpoint('/flaky', ['category.created']);
    const down = await endpoint('/down', ['category.created']);
    await p.as(staff).categories.create({ name: `Retry ${Date.now()}` });
    const started = Date.now();
    await Promise.all([drain(flaky.id), drain(down.id)]);
    expect(Date.now() - started, 'two backoff pauses of 20–100 ms').toBeGreaterThanOrEqual(40);

    const tries = hits('/flaky');
    expect(tries.map((r) => r.headers['lectern-webhook-attempt'])).toEqual(['1', '2', '3']);
    expect(new Set(tries.map((r) => r.headers['lectern-webhook-id'])).size, 'one message id').toBe(1);
    expect(tries.every((r) => verify(flaky.secret, r.headers, r.body))).toBe(true);
    const [ok] = (await p.as(root).webhooks.listDeliveries({ id: flaky.id })).results;
    expect(ok).toMatchObject({ status: 'succeeded', attempts: 3, response_status: 204 });

    expect(hits('/down')).toHaveLength(3);
    const failed = await p.as(root).webhooks.listDeliveries({ id: down.id, status: 'failed' });
    expect(failed.results[0]).toMatchObject({ status: 'failed', attempts: 3, response_status: 503 });
    expect((await p.as(root).webhooks.listDeliveries({ id: down.id, status: 'succeeded' })).count).toBe(0);

    // Exponential with "equal jitter": between half and all of base × 2^(n−1), capped.
    const backoff = { retryBaseMs: 1000, retryMaxDelayMs: 10_000 };
    expect([1, 2, 3, 4, 5, 9].map((n) => retryDelayMs(n, backoff, () => 1))).toEqual([
      1000, 2000, 4000, 8000, 10_000, 10_000,
    ]);
    expect([1, 2, 3].map((n) => retryDelayMs(n, backoff, () => 0))).toEqual([500, 1000, 2000]);
    await p.as(root).webhooks.delete({ id: flaky.id });
    await p.as(root).webhooks.delete({ id: down.id });
  });

  it("keeps each post's events in order while one of them is retried, without holding up other posts", async () => {
    // The first request for the first post fails twice; the other post is answered at once.
    let firstPostFailures = 0;
    let firstSlug = '';
    answers.set('/ordered', (res) => {
      const last = received.at(-1);
      const slug = last ? String(bodyOf(last).data.slug) : '';
      if (slug === firstSlug && firstPostFailures < 2) {
        firstPostFailures += 1;
        res.writeHead(500).end();
      } else res.writeHead(200).end();
    });
    const hook = await endpoint('/ordered', [
      'post.created',
      'post.updated',
      'post.published',
      'post.deleted',
    ]);
    const as = p.as(author);
    const first = await as.posts.create({ title: 'Ordered one' });
    firstSlug = first.slug;
    const second = await as.posts.create({ title: 'Ordered two' });
    await as.posts.update({ slug: first.slug, title: 'Ordered one, edited' });
    await as.posts.update({ slug: second.slug, is_published: true });
    await as.posts.update({ slug: first.slug, is_published: true });
    await as.posts.delete({ slug: first.slug });
    await drain(hook.id);

    const seen = hits('/ordered').map((r) => [
      bodyOf(r).data.slug,
      bodyOf(r).type,
      r.headers['lectern-webhook-attempt'],
    ]);
    const ofFirst = seen.filter(([slug]) => slug === first.slug).map(([, type, n]) => `${type}#${n}`);
    expect(ofFirst).toEqual([
      'post.created#1',
      'post.created#2',
      'post.created#3',
      'post.updated#1',
      'post.published#1',
      'post.deleted#1',
    ]);
    const ofSecond = seen.filter(([slug]) => slug === second.slug).map(([, type]) => type);
    expect(ofSecond).toEqual(['post.created', 'post.published']);
    // The second post was not held back by the first one's retries.
    const secondDone = seen.findIndex(([slug, type]) => slug === second.slug && type === 'post.published');
    const firstDone = seen.findIndex(
      ([slug, type]) => slug === first.slug && type === 'post.created' && true,
    );
    expect(secondDone).toBeGreaterThan(-1);
    expect(firstDone).toBeGreaterThan(-1);
    expect(secondDone, 'the other post went on while the first was retried').toBeLessThan(
      seen.findIndex(([slug, , n]) => slug === first.slug && n === '3'),
    );
    await p.as(root).webhooks.delete({ id: hook.id });
  });

  it('records a redirect as the answer without following it, and a timeout as an error', async () => {
    answers.set('/moved', (res) => {
      res.writeHead(302, { location: `${base}/elsewhere` }).end();
    });
    answers.set('/slow', async (res) => {
      await sleep(1500);
      res.writeHead(200).end();
    });
    const moved = await endpoint('/moved', ['file.deleted']);
    const slow = await endpoint('/slow', ['file.deleted']);
    await p.testDb.db.transaction().execute(async (tx) => {
      const { recordEvents } = await import('../src/shared/events.ts');
      await recordEvents(tx, [{ type: 'file.deleted', slug: '424242', isPublic: true }]);
    });
    // One pass sends both (each pass takes every due delivery): one attempt each, a 300 ms timeout.
    await drain(moved.id, { maxAttempts: 1, timeoutMs: 300 });
    await drain(slow.id, { maxAttempts: 1, timeoutMs: 300 });

    expect(hits('/moved')).toHaveLength(1);
    expect(hits('/elsewhere'), 'the redirect is not followed').toEqual([]);
    const [redirected] = (await p.as(root).webhooks.listDeliveries({ id: moved.id })).results;
    expect(redirected).toMatchObject({ status: 'failed', response_status: 302, error: null });
    expect(bodyOf(hits('/moved')[0] as Received)).toMatchObject({
      type: 'file.deleted',
      data: { id: 424242 },
    });

    const [timedOut] = (await p.as(root).webhooks.listDeliveries({ id: slow.id })).results;
    expect(timedOut).toMatchObject({
      status: 'failed',
      response_status: null,
      error: 'timed out after 300 ms',
    });
    expect(timedOut?.duration_ms).toBeGreaterThanOrEqual(290);
    expect(timedOut?.duration_ms).toBeLessThan(1400);
    await p.as(root).webhooks.delete({ id: moved.id });
    await p.as(root).webhooks.delete({ id: slow.id });
  });

  it('redelivers a finished delivery as a new one, sends pings, and queues nothing for a disabled or unsubscribed endpoint', async () => {
    const as = p.as(root);
    const hook = await endpoint('/again', ['category.updated']);
    const other = await endpoint('/unsubscribed', ['file.created']);
    const off = await endpoint('/off', ['category.updated']);
    await as.webhooks.update({ id: off.id, enabled: false });
    const category = await p.as(staff).categories.create({ name: `Again ${Date.now()}` });
    await p.as(staff).categories.update({ slug: category.slug, description: 'changed' });
    await drain(hook.id);
    const [original] = (await as.webhooks.listDeliveries({ id: hook.id })).results;
    expect(original).toMatchObject({ status: 'succeeded', event_type: 'category.updated' });
    if (!original) return;

    const again = await as.webhooks.redeliver({ id: hook.id, delivery_id: original.id });
    expect(again).toMatchObject({ status: 'pending', attempts: 0, redelivery_of: original.id });
    expect(await refusal(() => as.webhooks.redeliver({ id: hook.id, delivery_id: again.id }))).toBe(
      'CONFLICT',
    );
    expect(await refusal(() => as.webhooks.redeliver({ id: other.id, delivery_id: original.id }))).toBe(
      'NOT_FOUND',
    );
    const ping = await as.webhooks.ping({ id: hook.id });
    expect(ping).toMatchObject({ event_type: 'webhook.ping', event_id: null, status: 'pending' });
    await drain(hook.id);

    // The redelivery and the ping are of different subjects: sent concurrently, in any order.
    const sent = hits('/again');
    expect(sent).toHaveLength(3);
    expect(sent.every((r) => verify(hook.secret, r.headers, r.body))).toBe(true);
    const [firstSent, ...later] = sent;
    const resent = later.find((r) => bodyOf(r).type === 'category.updated');
    const pinged = later.find((r) => bodyOf(r).type === 'webhook.ping');
    expect(resent?.headers['lectern-webhook-id'], 'same message id').toBe(
      firstSent?.headers['lectern-webhook-id'],
    );
    expect(resent?.body, 'same body').toBe(firstSent?.body);
    expect(bodyOf(pinged as Received)).toMatchObject({
      id: `ping_${ping.id}`,
      data: { webhook_id: hook.id },
    });
    const log = await as.webhooks.listDeliveries({ id: hook.id, page_size: 2 });
    expect(log.count).toBe(3);
    expect(log.results.map((d) => d.id)).toEqual([ping.id, again.id]);
    expect(log.next).toContain(`/api/webhooks/${hook.id}/deliveries/?`);
    expect(await as.webhooks.getDelivery({ id: hook.id, delivery_id: again.id })).toMatchObject({
      status: 'succeeded',
      attempts: 1,
    });

    expect((await as.webhooks.listDeliveries({ id: other.id })).count).toBe(0);
    expect((await as.webhooks.listDeliveries({ id: off.id })).count).toBe(0);
    expect(hits('/off')).toEqual([]);
    for (const id of [hook.id, other.id, off.id]) await as.webhooks.delete({ id });
  });

  it('the worker loop delivers without being asked, and stops', async () => {
    const hook = await endpoint('/loop', ['category.created']);
    const lines: string[] = [];
    const log = { info: (_: object, m: string) => lines.push(m), warn: () => {}, error: () => {} };
    const worker = startWebhookWorker({ ...options, intervalMs: 50, log });
    try {
      await p.as(staff).categories.create({ name: `Loop ${Date.now()}` });
      const deadline = Date.now() + 10_000;
      while (hits('/loop').length === 0 && Date.now() < deadline) await sleep(25);
    } finally {
      await worker.stop();
    }
    expect(hits('/loop')).toHaveLength(1);
    expect(lines).toContain('webhook deliveries sent');
    await p.as(root).webhooks.delete({ id: hook.id });
  });

  it('never queues a delivery for a change that rolls back', async () => {
    const hook = await endpoint('/rollback', ['post.created']);
    await expect(
      p.testDb.db.transaction().execute(async (tx) => {
        const { recordEvents } = await import('../src/shared/events.ts');
        await recordEvents(tx, [
          { type: 'post.created', slug: 'never', authorId: author.id, isPublic: false },
        ]);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect((await p.as(root).webhooks.listDeliveries({ id: hook.id })).count).toBe(0);
    await p.as(root).webhooks.delete({ id: hook.id });
  });

  it.runIf(onPostgres)('two workers sharing the queue send each delivery once', async () => {
    const hook = await endpoint('/shared', ['post.created']);
    const as = p.as(author);
    const posts = [];
    for (let i = 0; i < 30; i++) posts.push(await as.posts.create({ title: `Shared ${i}` }));
    // Slow answers keep both workers busy at once.
    answers.set('/shared', async (res) => {
      await sleep(20);
      res.writeHead(200).end();
    });
    await Promise.all([
      deliverDueWebhooks({ ...options, batchSize: 4 }),
      deliverDueWebhooks({ ...options, batchSize: 4 }),
    ]);
    await drain(hook.id);
    const slugs = hits('/shared').map((r) => String(bodyOf(r).data.slug));
    expect(slugs).toHaveLength(30);
    expect(new Set(slugs)).toEqual(new Set(posts.map((post) => post.slug)));
    await p.as(root).webhooks.delete({ id: hook.id });
  });
});

describe('the delivery log retention', () => {
  let p: Procedures;
  beforeAll(async () => {
    p = await openProcedures();
  });
  afterAll(async () => {
    await p?.close();
  });

  it('removes finished deliveries older than the retention, never unfinished ones', async () => {
    const root = await p.user({ is_superuser: true });
    const hook = await p
      .as(root)
      .webhooks.create({ url: 'https://93.184.216.34/', events: ['file.created'] });
    const insert = (status: 'succeeded' | 'failed' | 'pending', daysAgo: number) =>
      p.testDb.db
        .insertInto('webhook_deliveries')
        .values({
          webhook_id: hook.id,
          event_id: null,
          event_type: 'webhook.ping',
          subject: `webhook:${hook.id}`,
          author_id: null,
          is_public: false,
          occurred_at: sql<Date>`now()`,
          status,
          created_at: sql<Date>`now() - make_interval(days => ${daysAgo})`,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
    const oldOk = await insert('succeeded', 40);
    const oldFailed = await insert('failed', 31);
    const oldPending = await insert('pending', 45);
    const recent = await insert('succeeded', 2);
    const { purgeFinishedDeliveries } = await import('../src/webhooks/index.ts');
    expect(await purgeFinishedDeliveries(p.testDb.db, { days: 30, batchSize: 1, maxBatches: 10 })).toBe(2);
    const left = await p.testDb.db
      .selectFrom('webhook_deliveries')
      .select('id')
      .where('webhook_id', '=', hook.id)
      .orderBy('id')
      .execute();
    expect(left.map((r) => r.id)).toEqual([oldPending.id, recent.id]);
    expect([oldOk.id, oldFailed.id].some((id) => left.some((r) => r.id === id))).toBe(false);
  });
});
