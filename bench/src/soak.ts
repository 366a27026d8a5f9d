/**
 * `pnpm bench --soak [--soak-minutes N]`: mixed traffic for N minutes (default 10) at `--connections`
 * (32) against Lectern in production mode on PostgreSQL, as the other scenarios start it. Reads (post
 * lists, single posts, a little search), writes with uploads (multipart post create with a thumbnail,
 * gallery uploads), logins and token refreshes. It judges nothing; it reports the requests, every
 * status and network error, each server process's resident memory over time and the PostgreSQL
 * connections of its database before, during and after — the numbers a leak or a slow failure shows in.
 *
 * It runs on a copy of the main data set (`<db>_soak`, made from it as a template and dropped after),
 * so the writes never change the data set the other scenarios measure.
 */
import { readdir, readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { crc32, deflateSync } from 'node:zlib';
import { STAFF_COUNT } from './data.ts';
import { type BenchOptions, databaseFor, label, log, type SoakOptions } from './options.ts';
import type { ServerProcess } from './processes.ts';
import { loadAverage, machine, table, writeResults } from './report.ts';
import { lectern, preparePostgres, withPg, withRunContext, withServers } from './runner.ts';
import { login, loginBody, type Tokens } from './scenarios.ts';
import { withAdmin } from './seed.ts';

type Operation =
  | 'list'
  | 'list-page'
  | 'list-category'
  | 'search'
  | 'post'
  | 'create-post'
  | 'upload-file'
  | 'login'
  | 'refresh';

/** The mix, in requests per hundred. Reads dominate; every write carries a file. */
const MIX: ReadonlyArray<readonly [Operation, number]> = [
  ['list', 30],
  ['list-page', 12],
  ['list-category', 5],
  ['search', 2],
  ['post', 30],
  ['create-post', 8],
  ['upload-file', 6],
  ['login', 2],
  ['refresh', 5],
];

/** The status each operation answers when all is well. */
const EXPECTED: Record<Operation, number> = {
  list: 200,
  'list-page': 200,
  'list-category': 200,
  search: 200,
  post: 200,
  'create-post': 201,
  'upload-file': 201,
  login: 200,
  refresh: 200,
};

interface OperationStats {
  requests: number;
  statuses: Record<string, number>;
  /** Requests that got no answer, by error code. */
  networkErrors: Record<string, number>;
  p50: number;
  p99: number;
  max: number;
}

interface MemorySample {
  at: number;
  /** Resident memory by process label, MB. */
  rssMb: Record<string, number>;
  /** Connections to the soak database (pg_stat_activity). */
  pgConnections: number;
  requests: number;
}

interface ProcessMemory {
  process: string;
  pid: number;
  startMb: number;
  /** After the first minute: growth from here on is what a leak would show as. */
  minuteOneMb: number | null;
  maxMb: number;
  endMb: number;
  growthMb: number;
}

export interface SoakResult {
  minutes: number;
  connections: number;
  workers: number;
  poolSize: number;
  posts: number;
  pgVersion: string;
  seconds: number;
  totalRequests: number;
  requestsPerSecond: number;
  unexpected: number;
  networkErrors: number;
  statuses: Record<string, number>;
  operations: Record<Operation, OperationStats>;
  memory: ProcessMemory[];
  /** Worker PIDs seen over the run (a restarted worker shows up as a new PID). */
  workerPids: number[];
  pgConnections: { beforeStart: number; maxDuring: number; idleAfterLoad: number; afterStop: number };
  loadAverages: Array<{ at: number; load: string }>;
  samples: MemorySample[];
}

// ---------------------------------------------------------------------------------------------------
// Request bodies

/** A 48×48 RGB gradient PNG (~150 bytes): a real image by its bytes, as thumbnails must be. */
function gradientPng(size: number): Uint8Array {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const out = Buffer.alloc(body.length + 8);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), body.length + 4);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB, no interlace
  const raw = Buffer.alloc(size * (size * 3 + 1));
  for (let y = 0; y < size; y++) {
    const row = y * (size * 3 + 1);
    for (let x = 0; x < size; x++) raw.set([x * 5, y * 5, 128], row + 1 + x * 3);
  }
  return new Uint8Array(
    Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      chunk('IHDR', header),
      chunk('IDAT', deflateSync(raw)),
      chunk('IEND', Buffer.alloc(0)),
    ]),
  );
}

const THUMBNAIL = gradientPng(48);
const GALLERY_TEXT = new TextEncoder().encode(
  `name,value\n${Array.from({ length: 100 }, (_, i) => `row ${i},${i * 7}`).join('\n')}`,
);

function postForm(vu: number, n: number, categoryIds: number[]): FormData {
  const form = new FormData();
  form.set('title', `Soak post ${vu}-${n}: notes on packet routing and pepper gardens`);
  form.set(
    'body',
    `<h2>Field notes ${n}</h2>${Array.from(
      { length: 4 },
      (_, i) =>
        `<p>Paragraph ${i} of a soak post: the <a href="https://example.test/${i}">router</a> sends ` +
        `each packet to the garden, where the <strong>pepper</strong> grows beside the river.</p>`,
    ).join('')}<ul><li>one</li><li>two</li></ul>`,
  );
  form.set('tags', JSON.stringify(['soak', `vu-${vu % 8}`]));
  for (const id of categoryIds) form.append('categories', String(id));
  form.set('is_published', n % 4 === 0 ? 'false' : 'true');
  form.set('thumbnail', new Blob([THUMBNAIL], { type: 'image/png' }), `thumb-${n}.png`);
  return form;
}

function fileForm(vu: number, n: number): FormData {
  const form = new FormData();
  if (n % 2 === 0) form.set('file', new Blob([THUMBNAIL], { type: 'image/png' }), `picture-${vu}-${n}.png`);
  else form.set('file', new Blob([GALLERY_TEXT], { type: 'text/csv' }), `table-${vu}-${n}.csv`);
  form.set('title', `Soak upload ${vu}-${n}`);
  return form;
}

// ---------------------------------------------------------------------------------------------------
// Process memory and connections

/** The PIDs whose parent is `pid` (the cluster's workers), from /proc. */
async function childPids(pid: number): Promise<number[]> {
  const out: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    // The command name is in parentheses and may hold spaces: the fields after it are plain.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (ppid === pid) out.push(Number(entry));
  }
  return out.sort((a, b) => a - b);
}

async function rssMb(pid: number): Promise<number | null> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const kb = /^VmRSS:\s+(\d+) kB/m.exec(status)?.[1];
  return kb === undefined ? null : Number(kb) / 1024;
}

const CONNECTIONS_SQL = 'SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1';

// ---------------------------------------------------------------------------------------------------
// The traffic

interface Recorder {
  record(op: Operation, status: number | string, ms: number): void;
}

interface VirtualUser {
  number: number;
  tokens: Tokens;
  writes: number;
}

function pickOperation(): Operation {
  let r = Math.random() * 100;
  for (const [op, weight] of MIX) {
    r -= weight;
    if (r < 0) return op;
  }
  return 'list';
}

interface Traffic {
  server: ServerProcess;
  slugs: string[];
  categorySlugs: string[];
  categoryIds: number[];
  searches: string[];
}

async function request(
  traffic: Traffic,
  vu: VirtualUser,
  op: Operation,
): Promise<{ status: number; body: unknown }> {
  const pick = <T>(xs: T[]) => xs[Math.floor(Math.random() * xs.length)] as T;
  const auth = { authorization: `Bearer ${vu.tokens.access}` };
  const get = (path: string) => fetch(`${traffic.server.url}${path}`, { headers: auth });
  const post = (path: string, body: string | FormData) =>
    fetch(`${traffic.server.url}${path}`, {
      method: 'POST',
      headers: typeof body === 'string' ? { 'content-type': 'application/json' } : auth,
      body,
    });
  let res: Response;
  switch (op) {
    case 'list':
      res = await get('/api/posts/?is_published=true&page_size=20');
      break;
    case 'list-page': {
      const ordering = pick(['-created_at', 'title', '-published_at', 'created_at']);
      res = await get(`/api/posts/?ordering=${ordering}&page=${1 + Math.floor(Math.random() * 10)}`);
      break;
    }
    case 'list-category':
      res = await get(`/api/posts/?categories=${pick(traffic.categorySlugs)}`);
      break;
    case 'search':
      res = await get(`/api/posts/?search=${encodeURIComponent(pick(traffic.searches))}`);
      break;
    case 'post':
      res = await get(`/api/posts/${pick(traffic.slugs)}/`);
      break;
    case 'create-post':
      res = await post(
        '/api/posts/',
        postForm(vu.number, vu.writes++, [pick(traffic.categoryIds), pick(traffic.categoryIds)]),
      );
      break;
    case 'upload-file':
      res = await post('/api/files/', fileForm(vu.number, vu.writes++));
      break;
    case 'login':
      res = await post('/api/users/login/', loginBody(vu.number));
      break;
    case 'refresh':
      res = await post('/api/users/token/refresh/', JSON.stringify({ refresh: vu.tokens.refresh }));
      break;
  }
  const wantsBody = op === 'login' || op === 'refresh' || op === 'create-post';
  const body = wantsBody && res.ok ? await res.json() : await res.arrayBuffer();
  return { status: res.status, body };
}

async function virtualUser(traffic: Traffic, vu: VirtualUser, until: number, recorder: Recorder) {
  while (Date.now() < until) {
    const op = pickOperation();
    const started = performance.now();
    try {
      const { status, body } = await request(traffic, vu, op);
      recorder.record(op, status, performance.now() - started);
      if ((op === 'login' || op === 'refresh') && status === 200) {
        const tokens = body as Tokens;
        vu.tokens = { access: tokens.access, refresh: tokens.refresh };
      }
      // Others may read it too once it is published (a draft is its author's alone: 404 for the rest).
      const created = body as { slug: string; is_published: boolean };
      if (op === 'create-post' && status === 201 && created.is_published) traffic.slugs.push(created.slug);
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause;
      recorder.record(op, `network:${cause?.code ?? (error as Error).name}`, performance.now() - started);
    }
  }
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;
}

// ---------------------------------------------------------------------------------------------------
// The run

/** A fresh copy of the main data set for the soak to write into (dropped afterwards). */
async function soakDatabase(mainUrl: string): Promise<string> {
  const url = new URL(mainUrl);
  url.pathname = `${url.pathname}_soak`;
  const main = new URL(mainUrl).pathname.slice(1);
  await withAdmin(url.toString(), async (client, name) => {
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${name} TEMPLATE ${main} STRATEGY FILE_COPY`);
  });
  return url.toString();
}

export async function runSoak(options: BenchOptions, soak: SoakOptions): Promise<SoakResult> {
  const { config } = options;
  const mainUrl = databaseFor(options, config.posts);
  const pgVersion = await preparePostgres(mainUrl, config.posts);
  return withRunContext(options, async (ctx, dropAfter) => {
    if (config.smoke) dropAfter(mainUrl);
    const url = await soakDatabase(mainUrl);
    dropAfter(url);
    const dbName = new URL(url).pathname.slice(1);
    const connections = async () =>
      Number((await withPg(url, (q) => q(CONNECTIONS_SQL, [dbName])))[0]?.n ?? 0) - 1; // less our own
    const beforeStart = await connections();

    const counts = new Map<Operation, { statuses: Record<string, number>; ms: number[] }>();
    let requests = 0;
    const recorder: Recorder = {
      record(op, status, ms) {
        const entry = counts.get(op) ?? { statuses: {}, ms: [] };
        entry.statuses[String(status)] = (entry.statuses[String(status)] ?? 0) + 1;
        entry.ms.push(ms);
        counts.set(op, entry);
        requests++;
      },
    };

    const samples: MemorySample[] = [];
    const loadAverages: Array<{ at: number; load: string }> = [];
    const workerPids = new Set<number>();
    let idleAfterLoad = 0;
    let seconds = 0;
    let primary = 0;
    await withServers(async (keep) => {
      const server = keep(await lectern(ctx, url, ctx.dataDir, 1000));
      primary = server.child.pid ?? 0;
      const traffic = await withPg(url, async (q): Promise<Traffic> => {
        const slugs = await q(
          'SELECT slug FROM posts WHERE is_published AND NOT is_deleted ORDER BY id DESC LIMIT 2000',
          [],
        );
        const categories = await q('SELECT id, slug FROM categories ORDER BY id', []);
        return {
          server,
          slugs: slugs.map((r) => String(r.slug)),
          categorySlugs: categories.map((r) => String(r.slug)),
          categoryIds: categories.map((r) => Number(r.id)),
          searches: ['packet pepper', 'garden', '"river ocean"', 'router -cable'],
        };
      });
      const users: VirtualUser[] = [];
      for (let i = 0; i < config.connections; i++) {
        const number = STAFF_COUNT + 1 + i;
        users.push({ number, tokens: await login(server, number), writes: 0 });
      }

      const started = Date.now();
      const sample = async () => {
        const pids = await childPids(primary);
        for (const pid of pids) workerPids.add(pid);
        const rss: Record<string, number> = {};
        for (const [name, pid] of [
          ['primary', primary] as const,
          ...pids.map((p) => [`worker ${p}`, p] as const),
        ]) {
          const mb = await rssMb(pid);
          if (mb !== null) rss[name] = mb;
        }
        samples.push({
          at: (Date.now() - started) / 1000,
          rssMb: rss,
          pgConnections: await connections(),
          requests,
        });
      };
      await sample();
      const until = started + soak.minutes * 60_000;
      log(`soak: ${soak.minutes} min of mixed traffic at ${config.connections} connections`);
      const sampler = (async () => {
        let lastLoad = 0;
        while (Date.now() < until) {
          await sleep(Math.min(soak.sampleSeconds * 1000, Math.max(0, until - Date.now())));
          await sample();
          if (Date.now() - lastLoad >= 60_000) {
            lastLoad = Date.now();
            loadAverages.push({ at: (Date.now() - started) / 1000, load: loadAverage() });
            log(
              `soak: ${Math.round((Date.now() - started) / 1000)} s, ${requests} requests, load ${loadAverage()}`,
            );
          }
        }
      })();
      await Promise.all([...users.map((vu) => virtualUser(traffic, vu, until, recorder)), sampler]);
      seconds = (Date.now() - started) / 1000;
      await sample();
      loadAverages.push({ at: seconds, load: loadAverage() });
      await sleep(2000);
      idleAfterLoad = await connections();
    });
    await sleep(1000);
    const afterStop = await connections();

    const operations = {} as Record<Operation, OperationStats>;
    const statuses: Record<string, number> = {};
    let unexpected = 0;
    let networkErrors = 0;
    for (const [op] of MIX) {
      const entry = counts.get(op) ?? { statuses: {}, ms: [] };
      const sorted = entry.ms.sort((a, b) => a - b);
      const answered: Record<string, number> = {};
      const failed: Record<string, number> = {};
      for (const [status, n] of Object.entries(entry.statuses)) {
        if (status.startsWith('network:')) {
          failed[status.slice('network:'.length)] = n;
          networkErrors += n;
        } else {
          answered[status] = n;
          statuses[status] = (statuses[status] ?? 0) + n;
          if (Number(status) !== EXPECTED[op]) unexpected += n;
        }
      }
      operations[op] = {
        requests: sorted.length,
        statuses: answered,
        networkErrors: failed,
        p50: Math.round(percentile(sorted, 0.5)),
        p99: Math.round(percentile(sorted, 0.99)),
        max: Math.round(sorted[sorted.length - 1] ?? 0),
      };
    }
    return {
      minutes: soak.minutes,
      connections: config.connections,
      workers: config.workers,
      poolSize: config.poolSize,
      posts: config.posts,
      pgVersion,
      seconds,
      totalRequests: requests,
      requestsPerSecond: requests / Math.max(seconds, 1e-9),
      unexpected,
      networkErrors,
      statuses,
      operations,
      memory: processMemory(samples, primary),
      workerPids: [...workerPids],
      pgConnections: {
        beforeStart,
        maxDuring: Math.max(...samples.map((s) => s.pgConnections)),
        idleAfterLoad,
        afterStop,
      },
      loadAverages,
      samples,
    };
  });
}

function processMemory(samples: MemorySample[], primary: number): ProcessMemory[] {
  const names = [...new Set(samples.flatMap((s) => Object.keys(s.rssMb)))];
  return names.map((name) => {
    const series = samples.filter((s) => s.rssMb[name] !== undefined);
    const mb = (s: MemorySample | undefined) => s?.rssMb[name] ?? 0;
    const minuteOne = series.find((s) => s.at >= 60);
    const start = mb(series[0]);
    const end = mb(series[series.length - 1]);
    return {
      process: name,
      pid: name === 'primary' ? primary : Number(name.split(' ')[1]),
      startMb: start,
      minuteOneMb: minuteOne ? mb(minuteOne) : null,
      maxMb: Math.max(...series.map(mb)),
      endMb: end,
      growthMb: end - start,
    };
  });
}

const mb = (x: number | null) => (x === null ? '-' : x.toFixed(0));

export function soakMarkdown(result: SoakResult, machineLine: string): string {
  const ops = Object.entries(result.operations).map(([op, s]) => [
    op,
    s.requests,
    Object.entries(s.statuses)
      .map(([c, n]) => `${c}×${n}`)
      .join(' '),
    Object.entries(s.networkErrors)
      .map(([c, n]) => `${c}×${n}`)
      .join(' ') || '0',
    s.p50,
    s.p99,
    s.max,
  ]);
  const c = result.pgConnections;
  return [
    machineLine,
    `Soak: ${result.minutes} min (${result.seconds.toFixed(0)} s) of mixed traffic at ${result.connections} connections; ` +
      `Lectern WORKERS=${result.workers}, DB_POOL_SIZE=${result.poolSize}, content cache on; ` +
      `a copy of the ${label(result.posts)}-post data set.`,
    `Load average during the run (1/5/15 min): ${result.loadAverages.map((l) => `${Math.round(l.at)} s: ${l.load}`).join('; ')}`,
    '',
    `Total: ${result.totalRequests} requests, ${result.requestsPerSecond.toFixed(0)} req/s; ` +
      `unexpected statuses ${result.unexpected}; network errors ${result.networkErrors}; ` +
      `statuses ${Object.entries(result.statuses)
        .map(([s, n]) => `${s}×${n}`)
        .join(' ')}.`,
    '',
    ...table(['operation', 'requests', 'statuses', 'network errors', 'p50 ms', 'p99 ms', 'max ms'], ops),
    '',
    ...table(
      ['process', 'RSS start MB', 'after 1 min', 'max', 'end', 'growth MB'],
      result.memory.map((m) => [
        m.process,
        mb(m.startMb),
        mb(m.minuteOneMb),
        mb(m.maxMb),
        mb(m.endMb),
        m.growthMb.toFixed(1),
      ]),
    ),
    '',
    result.workers > 1
      ? `Worker PIDs seen: ${result.workerPids.join(', ')} (${result.workerPids.length > result.workers ? 'a worker was restarted' : 'no restarts'}).`
      : 'One server process (WORKERS=1: no cluster).',
    `PostgreSQL connections to the soak database (pg_stat_activity, ours excluded): before start ${c.beforeStart}, ` +
      `max during ${c.maxDuring} (pool limit ${result.workers * result.poolSize}), idle after the load ${c.idleAfterLoad}, ` +
      `after the servers stopped ${c.afterStop}.`,
  ].join('\n');
}

export async function writeSoakReport(result: SoakResult, options: BenchOptions, loadBefore: string) {
  const info = await machine(result.pgVersion, loadBefore);
  const machineLine = `Machine: ${info.cpu} × ${info.cores} cores, ${info.memoryGiB} GiB, Node ${info.node}, ${info.postgres}; load average before/after: ${info.loadBefore} / ${info.loadAfter}; ${info.date}`;
  await writeResults(
    options,
    options.config.smoke ? 'soak-smoke' : 'soak',
    { machine: info, ...result },
    soakMarkdown(result, machineLine),
  );
}
