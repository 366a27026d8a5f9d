/**
 * `pnpm bench [--smoke] [--scale-1m] [--posts N] [--duration S] [--warmup S] [--runs N] ...`
 *
 * Seeds (or reuses) the data sets, starts the floor and Lectern as their own processes on PostgreSQL
 * (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/lectern_bench), runs every scenario of
 * the benchmarks issue with autocannon in another process, and writes results/latest.{json,md}.
 * `--smoke` does all of it on a tiny data set in seconds (a test runs it so the harness cannot rot).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createLecternClient } from '@lectern/sdk';
import pg from 'pg';
import {
  BENCH_PASSWORD,
  benchEmail,
  CATEGORY_NAMES,
  SEARCH_WORDS,
  STAFF_COUNT,
  slugBase,
  USER_COUNT,
} from './data.ts';
import { type ExplainedRequest, explainMarkdown, explainRequests } from './explain.ts';
import type { LoadResult, LoadSpec, RunStats } from './load.ts';
import {
  BENCH_DIR,
  type ServerProcess,
  SQL_STATEMENTS_HEADER,
  startFloor,
  startLectern,
} from './processes.ts';
import { DEFAULT_BENCH_URL, dropDatabase, seedPglite, seedPostgres } from './seed.ts';

// ---------------------------------------------------------------------------------------------------
// Options

const { values: args } = parseArgs({
  options: {
    smoke: { type: 'boolean', default: false },
    'scale-1m': { type: 'boolean', default: false },
    posts: { type: 'string' },
    'pglite-posts': { type: 'string' },
    duration: { type: 'string' },
    warmup: { type: 'string' },
    runs: { type: 'string' },
    connections: { type: 'string' },
    workers: { type: 'string' },
    pool: { type: 'string', default: '10' },
    only: { type: 'string' },
    'skip-scaling': { type: 'boolean', default: false },
    'skip-pglite': { type: 'boolean', default: false },
    'skip-explain': { type: 'boolean', default: false },
    'cpu-prof': { type: 'string' },
    out: { type: 'string' },
  },
});

const smoke = args.smoke === true;
const num = (value: string | undefined, fallback: number) => (value === undefined ? fallback : Number(value));
const config = {
  smoke,
  posts: num(args.posts, smoke ? 240 : 100_000),
  pglitePosts: num(args['pglite-posts'], smoke ? 120 : 10_000),
  durationSeconds: num(args.duration, smoke ? 2 : 10),
  warmupSeconds: num(args.warmup, smoke ? 0 : 5),
  /** Load on a freshly started server before its first scenario (JIT, pools, PostgreSQL caches). */
  serverWarmupSeconds: smoke ? 0 : 15,
  runs: num(args.runs, smoke ? 1 : 3),
  connections: num(args.connections, smoke ? 8 : 32),
  workers: num(args.workers, smoke ? 1 : 2),
  poolSize: num(args.pool, 10),
  // The smoke run skips the extra sizes (the same code as the main size, with fewer scenarios).
  scalingSizes: smoke ? [] : [10_000, ...(args['scale-1m'] ? [1_000_000] : [])],
  only: args.only ? new Set(args.only.split(',')) : null,
};
const outDir =
  args.out ??
  (smoke ? path.join(os.tmpdir(), `lectern-bench-smoke-${process.pid}`) : path.join(BENCH_DIR, 'results'));
const baseUrl = process.env.DATABASE_URL || DEFAULT_BENCH_URL;
const log = (line: string) => console.log(`[bench] ${line}`);

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}
const baseName = new URL(baseUrl).pathname.slice(1) || 'lectern_bench';
const label = (n: number) => (n >= 1_000_000 ? `${n / 1_000_000}m` : n >= 1000 ? `${n / 1000}k` : String(n));
/** The database holding a data set of `posts` posts (the main size uses DATABASE_URL itself). */
function databaseFor(posts: number): string {
  if (smoke) return withDatabase(baseUrl, `${baseName}_smoke_${process.pid}_${label(posts)}`);
  return posts === config.posts ? baseUrl : withDatabase(baseUrl, `${baseName}_${label(posts)}`);
}

// ---------------------------------------------------------------------------------------------------
// Scenarios

type ScenarioId = 'floor' | 's1' | 's1-etag' | 's2' | 's3' | 's4' | 's5' | 's6' | 's7';

const TITLES: Record<ScenarioId, string> = {
  floor: 'floor: bare pg route, list page 1 + exact count (1 statement)',
  s1: '(1) REST list, published, page 1, size 20',
  's1-etag': '(1) with If-None-Match (revalidating client, 304s)',
  s2: '(2) REST list, category + -published_at, page 200',
  s3: '(3) REST search, two common words, page 1',
  s4: '(4) REST get one post by slug (1,000 slugs in turn)',
  s5: '(5) REST categories list',
  s6: '(6) tRPC list (SDK wire format), as (1)',
  s7: '(7) login, argon2id (1,000 users in turn)',
};

interface Fixtures {
  token: string;
  categorySlug: string;
  deepPage: number;
  postSlugs: string[];
  trpcListPath: string;
}

function spec(
  id: ScenarioId,
  f: Fixtures,
): Omit<LoadSpec, 'url' | 'warmupSeconds' | 'durationSeconds' | 'runs' | 'connections'> {
  const auth = { authorization: `Bearer ${f.token}` };
  const search = encodeURIComponent(SEARCH_WORDS.join(' '));
  const common = { method: 'GET' as const, headers: auth, statementsHeader: SQL_STATEMENTS_HEADER };
  switch (id) {
    case 'floor':
      return { method: 'GET', headers: {}, paths: ['/api/posts/?is_published=true&page_size=20'] };
    case 's1':
      return { ...common, paths: ['/api/posts/?is_published=true&page_size=20'] };
    case 's1-etag':
      return { ...common, paths: ['/api/posts/?is_published=true&page_size=20'], revalidate: true };
    case 's2':
      return {
        ...common,
        paths: [`/api/posts/?categories=${f.categorySlug}&ordering=-published_at&page=${f.deepPage}`],
      };
    case 's3':
      return { ...common, paths: [`/api/posts/?search=${search}`] };
    case 's4':
      return { ...common, paths: f.postSlugs.map((slug) => `/api/posts/${slug}/`) };
    case 's5':
      return { ...common, headers: {}, paths: ['/api/categories/'] };
    case 's6':
      return { ...common, paths: [f.trpcListPath] };
    case 's7':
      return {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        statementsHeader: SQL_STATEMENTS_HEADER,
        paths: ['/api/users/login/'],
        bodies: Array.from({ length: USER_COUNT }, (_, i) =>
          JSON.stringify({ email: benchEmail(i + 1), password: BENCH_PASSWORD }),
        ),
      };
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length === 0 ? 0 : s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
};

export interface ScenarioResult {
  id: ScenarioId;
  title: string;
  server: string;
  posts: number;
  requestsPerSecond: number;
  p50: number;
  p90: number;
  p99: number;
  errors: number;
  timeouts: number;
  statuses: Record<string, number>;
  statementsPerRequest: number | null;
  bytesPerResponse: number;
  runs: RunStats[];
}

async function runLoadProcess(loadSpec: LoadSpec): Promise<LoadResult> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'lectern-load-'));
  const file = path.join(dir, 'spec.json');
  await writeFile(file, JSON.stringify(loadSpec));
  try {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(BENCH_DIR, 'src/load.ts'), file], {
      cwd: BENCH_DIR,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    if (code !== 0) throw new Error(`load generator failed (${code}):\n${err}`);
    const line = out.trim().split('\n').pop() ?? '';
    return JSON.parse(line) as LoadResult;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const results: ScenarioResult[] = [];
const NO_FIXTURES: Fixtures = { token: '', categorySlug: '', deepPage: 1, postSlugs: [], trpcListPath: '' };

interface Job {
  id: ScenarioId;
  server: ServerProcess;
  serverName: string;
  posts: number;
  f: Fixtures;
}

/** A probe first: a scenario that does not answer 200 is a broken harness, not a number. */
async function probe(job: Job): Promise<void> {
  const s = spec(job.id, job.f);
  const res = await fetch(`${job.server.url}${s.paths[0]}`, {
    method: s.method,
    headers: s.headers,
    ...(s.bodies?.[0] ? { body: s.bodies[0] } : {}),
  });
  if (res.status !== 200) {
    throw new Error(
      `${job.id} on ${job.serverName}: probe answered ${res.status}: ${(await res.text()).slice(0, 500)}`,
    );
  }
  await res.arrayBuffer();
}

function summarise(job: Job, runs: RunStats[]): ScenarioResult {
  const statuses: Record<string, number> = {};
  for (const run of runs)
    for (const [code, n] of Object.entries(run.statuses)) statuses[code] = (statuses[code] ?? 0) + n;
  const statements = runs.map((r) => r.statementsPerRequest).filter((x): x is number => x !== null);
  const result: ScenarioResult = {
    id: job.id,
    title: TITLES[job.id],
    server: job.serverName,
    posts: job.posts,
    requestsPerSecond: median(runs.map((r) => r.requestsPerSecond)),
    p50: median(runs.map((r) => r.p50)),
    p90: median(runs.map((r) => r.p90)),
    p99: median(runs.map((r) => r.p99)),
    errors: runs.reduce((a, r) => a + r.errors, 0),
    timeouts: runs.reduce((a, r) => a + r.timeouts, 0),
    statuses,
    statementsPerRequest: statements.length > 0 ? median(statements) : null,
    bytesPerResponse: median(runs.map((r) => r.bytesPerResponse)),
    runs,
  };
  log(
    `${TITLES[job.id]} — ${job.serverName}, ${label(job.posts)} posts: ` +
      `${result.requestsPerSecond.toFixed(0)} req/s, p50 ${result.p50} ms, p99 ${result.p99} ms, ` +
      `errors ${result.errors}, SQL/req ${result.statementsPerRequest?.toFixed(2) ?? '-'}`,
  );
  results.push(result);
  return result;
}

/**
 * Measures the jobs run by run in turn (job A run 1, job B run 1, …, job A run 2, …), each run after
 * its own warm-up, so scenarios that are compared share whatever else the machine is doing.
 */
async function measureTogether(jobs: Job[]): Promise<void> {
  const selected = jobs.filter((job) => !config.only || config.only.has(job.id));
  for (const job of selected) await probe(job);
  const runs = selected.map((): RunStats[] => []);
  for (let round = 0; round < config.runs; round++) {
    for (const [i, job] of selected.entries()) {
      const { runs: these } = await runLoadProcess({
        ...spec(job.id, job.f),
        url: job.server.url,
        connections: config.connections,
        warmupSeconds: config.warmupSeconds,
        durationSeconds: config.durationSeconds,
        runs: 1,
      });
      runs[i]?.push(...these);
    }
  }
  for (const [i, job] of selected.entries()) summarise(job, runs[i] ?? []);
}

/** Measures one scenario (warm-up, then its runs back to back). */
async function measure(
  id: ScenarioId,
  server: ServerProcess,
  serverName: string,
  posts: number,
  f: Fixtures,
): Promise<void> {
  const job: Job = { id, server, serverName, posts, f };
  if (config.only && !config.only.has(id)) return;
  await probe(job);
  const { runs } = await runLoadProcess({
    ...spec(id, f),
    url: server.url,
    connections: config.connections,
    warmupSeconds: config.warmupSeconds,
    durationSeconds: config.durationSeconds,
    runs: config.runs,
  });
  summarise(job, runs);
}

// ---------------------------------------------------------------------------------------------------
// Fixtures

async function login(server: ServerProcess, userNumber: number): Promise<string> {
  const res = await fetch(`${server.url}/api/users/login/`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: benchEmail(userNumber), password: BENCH_PASSWORD }),
  });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { access: string }).access;
}

/** The reader the scenarios run as: a regular (non-staff) user. */
const READER = STAFF_COUNT + 95;

async function fixtures(
  server: ServerProcess,
  query: (text: string, params: unknown[]) => Promise<Array<Record<string, unknown>>>,
): Promise<Fixtures> {
  const token = await login(server, READER);
  const categorySlug = slugBase(CATEGORY_NAMES[0], 'category', 100);
  const [visible] = await query(
    `SELECT count(*)::int AS n FROM posts p JOIN post_categories pc ON pc.post_id = p.id
     JOIN categories c ON c.id = pc.category_id JOIN users u ON u.email = $2
     WHERE c.slug = $1 AND NOT p.is_deleted AND (p.is_published OR p.author_id = u.id)`,
    [categorySlug, benchEmail(READER)],
  );
  const deepPage = Math.max(1, Math.min(200, Math.floor(Number(visible?.n ?? 0) / 20)));
  const slugs = await query(
    'SELECT slug FROM posts WHERE is_published AND NOT is_deleted ORDER BY id LIMIT 1000',
    [],
  );
  // The SDK's own wire format for the tRPC door: capture the URL its client asks for.
  let trpcListPath = '';
  const client = createLecternClient({
    url: server.url,
    fetch: async (input) => {
      const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
      trpcListPath = `${url.pathname}${url.search}`;
      return new Response(JSON.stringify([{ result: { data: { json: null } } }]), {
        headers: { 'content-type': 'application/json' },
      });
    },
  });
  await client.posts.list.query({ is_published: true, page_size: 20 }).catch(() => undefined);
  if (!trpcListPath) throw new Error('could not capture the SDK request');
  return { token, categorySlug, deepPage, postSlugs: slugs.map((r) => String(r.slug)), trpcListPath };
}

// ---------------------------------------------------------------------------------------------------
// Runs

const jwtSecret = randomBytes(36).toString('base64url');
let pgVersion = '';
const explained: ExplainedRequest[] = [];
const statementsByPageSize: Record<string, number> = {};
const scalingCounts: Array<{
  posts: number;
  countMs: number | null;
  searchMs: number | null;
  searchMatches: number;
}> = [];

async function withPg<T>(
  url: string,
  task: (q: (text: string, params: unknown[]) => Promise<Array<Record<string, unknown>>>) => Promise<T>,
): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await task(async (text, params) => (await client.query(text, params)).rows);
  } finally {
    await client.end();
  }
}

/** Unrecorded load on a freshly started server: its first seconds are not its steady state. */
async function warmUp(server: ServerProcess, id: ScenarioId, f: Fixtures): Promise<void> {
  if (config.serverWarmupSeconds <= 0) return;
  await runLoadProcess({
    ...spec(id, f),
    url: server.url,
    connections: config.connections,
    warmupSeconds: config.serverWarmupSeconds,
    durationSeconds: 0,
    runs: 0,
  });
}

async function lectern(
  databaseUrl: string | undefined,
  dataDir: string,
  cacheEntries: number,
): Promise<ServerProcess> {
  return startLectern({
    databaseUrl,
    dataDir,
    jwtSecret,
    workers: databaseUrl ? config.workers : 1,
    poolSize: config.poolSize,
    cacheEntries,
    cpuProfDir: args['cpu-prof'],
  });
}

async function benchPostgres(posts: number, main: boolean, dataDir: string): Promise<void> {
  const url = databaseFor(posts);
  await seedPostgres(url, { posts, log: (l) => log(`seed ${label(posts)}: ${l}`) });
  await withPg(url, async (q) => {
    const [row] = await q('SELECT version() AS v', []);
    pgVersion = String(row?.v ?? '');
  });

  // Every server of this size runs at once (idle ones cost nothing), so the scenarios that targets
  // compare are measured run by run in turn, under the same conditions.
  const servers: ServerProcess[] = [];
  try {
    const floor = main
      ? await startFloor({ databaseUrl: url, workers: config.workers, poolSize: config.poolSize })
      : undefined;
    if (floor) servers.push(floor);
    const uncached = await lectern(url, dataDir, 0);
    servers.push(uncached);
    const cached = await lectern(url, dataDir, 1000);
    servers.push(cached);
    const fOff = await withPg(url, (q) => fixtures(uncached, q));
    const f = await withPg(url, (q) => fixtures(cached, q));
    if (floor) await warmUp(floor, 'floor', NO_FIXTURES);
    await warmUp(uncached, 's1', fOff);
    await warmUp(cached, 's1', f);
    const off = (id: ScenarioId): Job => ({
      id,
      server: uncached,
      serverName: 'lectern, cache off',
      posts,
      f: fOff,
    });
    const on = (id: ScenarioId): Job => ({ id, server: cached, serverName: 'lectern, cache on', posts, f });

    if (main && floor) {
      await measureTogether([
        { id: 'floor', server: floor, serverName: 'floor', posts, f: NO_FIXTURES },
        off('s1'),
        off('s2'),
        off('s3'),
        off('s4'),
        on('s1'),
      ]);
      for (const id of ['s5', 's6', 's7'] as const)
        await measure(id, uncached, 'lectern, cache off', posts, fOff);
      for (const id of ['s1-etag', 's2', 's3', 's6'] as const)
        await measure(id, cached, 'lectern, cache on', posts, f);
      // Constant statements per list request whatever the page size.
      // The fewest of three tries: the settings cache (SETTINGS_CACHE_MS) adds a read now and then.
      for (const size of [1, 20, 100]) {
        const counts: number[] = [];
        for (let i = 0; i < 3; i++) {
          const res = await fetch(`${uncached.url}/api/posts/?is_published=true&page_size=${size}`, {
            headers: { authorization: `Bearer ${fOff.token}` },
          });
          await res.arrayBuffer();
          counts.push(Number(res.headers.get(SQL_STATEMENTS_HEADER) ?? Number.NaN));
        }
        statementsByPageSize[String(size)] = Math.min(...counts);
      }
    } else {
      await measureTogether([off('s1'), off('s3'), on('s1'), on('s3')]);
    }

    if (!args['skip-explain']) {
      const list = spec('s1', f).paths[0] ?? '';
      const searchPath = spec('s3', f).paths[0] ?? '';
      const requests = main
        ? [
            { name: TITLES.s1, path: list },
            { name: TITLES.s2, path: spec('s2', f).paths[0] ?? '' },
            { name: TITLES.s3, path: searchPath },
          ]
        : [
            { name: TITLES.s1, path: list },
            { name: TITLES.s3, path: searchPath },
          ];
      const plans = await explainRequests(url, f.token, jwtSecret, requests);
      if (main) explained.push(...plans);
      // The count statement is the one whose SQL starts with a count; record its time per size.
      const countOf = (r: ExplainedRequest | undefined) =>
        r?.statements.find((s) => /count\(\*\)/.test(s.sql))?.executionMs ?? null;
      const searchTotal = (r: ExplainedRequest | undefined) =>
        r?.statements.filter((s) => /posts/.test(s.sql)).reduce((a, s) => a + (s.executionMs ?? 0), 0) ??
        null;
      const [matches] = await withPg(url, (q) =>
        q(
          `SELECT count(*)::int AS n FROM posts WHERE NOT is_deleted AND is_published
           AND search_vector @@ websearch_to_tsquery('english', $1)`,
          [SEARCH_WORDS.join(' ')],
        ),
      );
      scalingCounts.push({
        posts,
        countMs: countOf(plans[0]),
        searchMs: searchTotal(plans[plans.length - 1]),
        searchMatches: Number(matches?.n ?? 0),
      });
    }
  } finally {
    for (const server of servers) await server.stop();
  }
}

async function benchPglite(dataDir: string): Promise<void> {
  const posts = config.pglitePosts;
  const pgliteDir = smoke
    ? path.join(dataDir, 'pglite-smoke')
    : path.join(BENCH_DIR, '.data', `pglite-${label(posts)}`);
  await mkdir(pgliteDir, { recursive: true });
  await seedPglite(pgliteDir, { posts, log: (l) => log(`seed PGlite ${label(posts)}: ${l}`) });
  const modes = smoke
    ? ([[1000, 'PGlite, cache on']] as const)
    : ([
        [0, 'PGlite, cache off'],
        [1000, 'PGlite, cache on'],
      ] as const);
  for (const [cacheEntries, name] of modes) {
    const server = await lectern(undefined, pgliteDir, cacheEntries);
    try {
      const f = await fixtures(server, async () => []);
      // PGlite lives inside the server: fixtures come from the API itself.
      const page = await fetch(`${server.url}/api/posts/?is_published=true&page_size=100`, {
        headers: { authorization: `Bearer ${f.token}` },
      });
      const body = (await page.json()) as { results: Array<{ slug: string }> };
      f.postSlugs = body.results.map((r) => r.slug);
      await warmUp(server, 's1', f);
      await measure('s1', server, name, posts, f);
      if (cacheEntries === 0 || smoke) await measure('s4', server, name, posts, f);
    } finally {
      await server.stop();
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// Report

interface Target {
  name: string;
  target: string;
  measured: string;
  met: boolean;
}

function find(id: ScenarioId, server: string, posts = config.posts): ScenarioResult | undefined {
  return results.find((r) => r.id === id && r.server === server && r.posts === posts);
}

function targets(): Target[] {
  const floor = find('floor', 'floor');
  const off = (id: ScenarioId) => find(id, 'lectern, cache off');
  const on = (id: ScenarioId) => find(id, 'lectern, cache on');
  const out: Target[] = [];
  const ratio = (a: number | undefined, b: number | undefined) => (a !== undefined && b ? a / b : Number.NaN);
  const pct = (x: number) => `${(x * 100).toFixed(0)}%`;
  const s1 = off('s1');
  if (floor && s1) {
    const r = ratio(s1.requestsPerSecond, floor.requestsPerSecond);
    out.push({ name: '(1) vs floor, req/s', target: '≥ 70%', measured: pct(r), met: r >= 0.7 });
    const p = ratio(s1.p99, floor.p99);
    out.push({ name: '(1) p99 vs floor p99', target: '≤ 2×', measured: `${p.toFixed(2)}×`, met: p <= 2 });
  }
  for (const id of ['s2', 's4'] as const) {
    const r = ratio(off(id)?.requestsPerSecond, s1?.requestsPerSecond);
    if (!Number.isNaN(r))
      out.push({
        name: `${id.replace('s', '(')}) vs (1), req/s`,
        target: '≥ 75%',
        measured: pct(r),
        met: r >= 0.75,
      });
  }
  const r3 = ratio(off('s3')?.requestsPerSecond, s1?.requestsPerSecond);
  if (!Number.isNaN(r3))
    out.push({ name: '(3) vs (1), req/s', target: '≥ 40%', measured: pct(r3), met: r3 >= 0.4 });
  const sizes = Object.values(statementsByPageSize);
  if (sizes.length > 0) {
    out.push({
      name: 'SQL statements per list request, page_size 1/20/100',
      target: 'constant',
      measured: sizes.join(' / '),
      met: sizes.every((n) => n === sizes[0] && Number.isFinite(n)),
    });
  }
  const failures = results.filter(
    (r) => r.errors > 0 || r.timeouts > 0 || Object.keys(r.statuses).some((c) => !/^(200|304)$/.test(c)),
  );
  out.push({
    name: 'errors, timeouts, unexpected statuses',
    target: 'none',
    measured: failures.length === 0 ? 'none' : failures.map((r) => `${r.id}@${r.server}`).join(', '),
    met: failures.length === 0,
  });
  const c1 = on('s1');
  if (floor && c1) {
    const r = ratio(c1.requestsPerSecond, floor.requestsPerSecond);
    out.push({
      name: '(1) cache on vs floor, req/s',
      target: '≥ 3×',
      measured: `${r.toFixed(2)}×`,
      met: r >= 3,
    });
  }
  return out;
}

function markdown(machine: Record<string, string | number>, targetList: Target[]): string {
  const floor = find('floor', 'floor');
  const rows = results.map((r) => {
    const vsFloor =
      floor && r.posts === config.posts
        ? `${((r.requestsPerSecond / floor.requestsPerSecond) * 100).toFixed(0)}%`
        : '';
    const odd = Object.entries(r.statuses)
      .filter(([c]) => c !== '200')
      .map(([c, n]) => `${c}×${n}`)
      .join(' ');
    return `| ${r.title} | ${r.server} | ${label(r.posts)} | ${r.requestsPerSecond.toFixed(0)} | ${r.p50} | ${r.p90} | ${r.p99} | ${r.errors}/${r.timeouts}${odd ? ` (${odd})` : ''} | ${r.statementsPerRequest?.toFixed(2) ?? '-'} | ${vsFloor} |`;
  });
  const lines = [
    `Machine: ${machine.cpu} × ${machine.cores} cores, ${machine.memoryGiB} GiB, Node ${machine.node}, ${machine.postgres}`,
    `Load average before/after: ${machine.loadBefore} / ${machine.loadAfter}`,
    `Settings: ${config.connections} connections, warm-up ${config.warmupSeconds} s, ${config.runs} × ${config.durationSeconds} s runs (medians), server WORKERS=${config.workers}, DB_POOL_SIZE=${config.poolSize}`,
    '',
    '| scenario | server | posts | req/s | p50 ms | p90 ms | p99 ms | errors/timeouts | SQL/req | vs floor |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
    '| target | wanted | measured | met |',
    '|---|---|---|---|',
    ...targetList.map((t) => `| ${t.name} | ${t.target} | ${t.measured} | ${t.met ? 'yes' : '**no**'} |`),
  ];
  if (scalingCounts.length > 0) {
    lines.push(
      '',
      '| posts | count(*) of (1), ms | statements of (3), ms | (3) matches |',
      '|---|---|---|---|',
      ...[...scalingCounts]
        .sort((a, b) => a.posts - b.posts)
        .map(
          (s) =>
            `| ${label(s.posts)} | ${s.countMs ?? '-'} | ${s.searchMs?.toFixed(1) ?? '-'} | ${s.searchMatches} |`,
        ),
    );
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const loadBefore = os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'lectern-bench-data-'));
  await mkdir(outDir, { recursive: true });
  const dropped: string[] = [];
  try {
    await benchPostgres(config.posts, true, dataDir);
    if (smoke) dropped.push(databaseFor(config.posts));
    if (!args['skip-scaling']) {
      for (const size of config.scalingSizes) {
        await benchPostgres(size, false, dataDir);
        if (smoke) dropped.push(databaseFor(size));
      }
    }
    if (!args['skip-pglite']) await benchPglite(dataDir);
  } finally {
    for (const url of dropped) await dropDatabase(url).catch(() => undefined);
    await rm(dataDir, { recursive: true, force: true });
  }
  const cpus = os.cpus();
  const machine = {
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    postgres: pgVersion.split(' on ')[0] ?? pgVersion,
    pglite: JSON.parse(
      await readFile(
        path.join(BENCH_DIR, '../packages/db/node_modules/@electric-sql/pglite/package.json'),
        'utf8',
      ).catch(() => '{"version":"unknown"}'),
    ).version as string,
    loadBefore,
    loadAfter: os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(' '),
    date: new Date().toISOString(),
  };
  const targetList = targets();
  const table = markdown(machine, targetList);
  const json = {
    machine,
    config,
    scenarios: results,
    targets: targetList,
    statementsByPageSize,
    scaling: scalingCounts,
    explain: explained,
  };
  const base = smoke ? 'smoke' : 'latest';
  await writeFile(path.join(outDir, `${base}.json`), `${JSON.stringify(json, null, 2)}\n`);
  await writeFile(path.join(outDir, `${base}.md`), `${table}\n`);
  if (explained.length > 0) {
    await writeFile(
      path.join(outDir, `explain-${label(config.posts)}.md`),
      explainMarkdown(`EXPLAIN ANALYZE of scenarios 1–3 at ${label(config.posts)} posts`, explained),
    );
  }
  console.log(`\n${table}\n`);
  log(`results in ${outDir}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
