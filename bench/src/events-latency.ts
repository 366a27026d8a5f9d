/**
 * Live-event latency across processes: two Lectern server processes (production mode, one worker
 * each) on a fresh PostgreSQL database; 1,000 posts written one after another through A, each timed
 * until B delivers its event to an SDK subscriber. Prints p50/p90/p99/max of
 *   - write→receive: from sending the create request to A until B's subscriber has the event, and
 *   - commit→receive: from the event row's timestamp (inside A's transaction) until then
 * (one machine, one clock). Run: `pnpm --filter @lectern/bench events-latency [count]`.
 * BENCH_PG_URL names the PostgreSQL server (default postgres://postgres@127.0.0.1:5432/postgres).
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { signAccessToken } from '@lectern/api/testing';
import { createDb, migrateToLatest } from '@lectern/db';
import { type ContentEvent, createLecternClient } from '@lectern/sdk';
import pg from 'pg';
import { startLectern } from './processes.ts';

const count = Number(process.argv[2] ?? 1000);
const adminUrl = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const jwtSecret = randomBytes(32).toString('hex');

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
const summary = (values: number[]) => {
  const sorted = [...values].sort((x, y) => x - y);
  const f = (n: number) => `${n.toFixed(1)} ms`;
  return `p50 ${f(percentile(sorted, 50))}, p90 ${f(percentile(sorted, 90))}, p99 ${f(percentile(sorted, 99))}, max ${f(sorted.at(-1) ?? Number.NaN)}`;
};

async function main(): Promise<void> {
  const name = `lectern_evbench_${randomBytes(4).toString('hex')}`;
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const databaseUrl = url.toString();
  await admin(`CREATE DATABASE ${name}`);
  const dataDir = await mkdtemp(path.join(tmpdir(), 'lectern-evbench-'));
  const servers: Array<{ stop(): Promise<void> }> = [];
  try {
    const { db } = createDb({ databaseUrl, poolSize: 1 });
    await migrateToLatest(db);
    const author = await db
      .insertInto('users')
      .values({
        email: 'events-bench@bench.lectern',
        username: 'events_bench',
        slug: 'events-bench-00000000',
        password_hash: 'not-a-login-account',
        is_verified: true,
        is_staff: true,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db.destroy();
    const token = await signAccessToken(jwtSecret, author.id, 3600);

    const common = { databaseUrl, jwtSecret, workers: 1, poolSize: 10, cacheEntries: 1000 };
    const a = await startLectern({ ...common, dataDir: path.join(dataDir, 'a') });
    servers.push(a);
    const b = await startLectern({ ...common, dataDir: path.join(dataDir, 'b') });
    servers.push(b);

    const writer = createLecternClient({ url: a.url });
    await writer.auth.setTokens({ access: token, refresh: '' });
    const subscriber = createLecternClient({ url: b.url });
    await subscriber.auth.setTokens({ access: token, refresh: '' });

    // An event may arrive before A's answer to the write: keep it until the loop asks for its slug.
    const arrived = new Map<string, { event: ContentEvent; at: number }>();
    const waiting = new Map<string, () => void>();
    let open = false;
    const subscription = subscriber.events.onEvent(
      (event) => {
        arrived.set(event.slug, { event, at: performance.timeOrigin + performance.now() });
        waiting.get(event.slug)?.();
      },
      {
        onStateChange: (state) => {
          open = state === 'open';
        },
      },
    );
    while (!open) await new Promise((resolve) => setTimeout(resolve, 20));

    const receipt = (slug: string) =>
      new Promise<{ event: ContentEvent; at: number }>((resolve, reject) => {
        const done = () => {
          const got = arrived.get(slug);
          if (!got) return false;
          clearTimeout(timer);
          waiting.delete(slug);
          arrived.delete(slug);
          resolve(got);
          return true;
        };
        const timer = setTimeout(() => reject(new Error(`${slug}: no event within 5 s`)), 5_000);
        if (!done()) waiting.set(slug, () => void done());
      });

    const writeToReceive: number[] = [];
    const commitToReceive: number[] = [];
    const started = Date.now();
    for (let i = 0; i < count; i++) {
      const sentAt = performance.timeOrigin + performance.now();
      const post = await writer.posts.create.mutate({ title: `Latency ${i}`, is_published: true });
      const { event, at } = await receipt(post.slug);
      writeToReceive.push(at - sentAt);
      commitToReceive.push(at - event.at.getTime());
    }
    const seconds = (Date.now() - started) / 1000;
    subscription.unsubscribe();
    console.log(`[events] ${count} posts written through A, each received by an SDK subscriber on B`);
    console.log(`[events] write→receive:  ${summary(writeToReceive)}`);
    console.log(`[events] commit→receive: ${summary(commitToReceive)}`);
    console.log(`[events] ${(count / seconds).toFixed(0)} writes/s sequential (${seconds.toFixed(1)} s)`);
  } finally {
    for (const server of servers) await server.stop();
    await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await rm(dataDir, { recursive: true, force: true });
  }
}

await main();
