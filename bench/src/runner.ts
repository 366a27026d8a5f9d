/**
 * Orchestration: seeds (or reuses) the data sets, starts the floor and Lectern as their own processes,
 * runs each scenario's load in another process, and returns every measurement (nothing global).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { SEARCH_WORDS } from './data.ts';
import { type ExplainedRequest, explainRequests } from './explain.ts';
import type { LoadResult, LoadSpec, RunStats } from './load.ts';
import { type BenchOptions, databaseFor, label, log } from './options.ts';
import {
  BENCH_DIR,
  type ServerProcess,
  SQL_STATEMENTS_HEADER,
  startFloor,
  startLectern,
} from './processes.ts';
import {
  type Fixtures,
  fixtures,
  NO_FIXTURES,
  type Query,
  type ScenarioId,
  spec,
  TITLES,
} from './scenarios.ts';
import { dropDatabase, seedPglite, seedPostgres } from './seed.ts';

/** The server name of `--baseline`'s Lectern in results and reports. */
export const BASELINE_SERVER = 'baseline checkout, cache off';

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

export interface ScalingRow {
  posts: number;
  /** Execution time of (1)'s statements on posts (the page with its count), EXPLAIN ANALYZE. */
  listMs: number | null;
  /** The same for (2k), the deep page by cursor. */
  deepMs: number | null;
  searchMs: number | null;
  searchMatches: number;
}

/** Everything one `pnpm bench` measured. */
export interface BenchRun {
  scenarios: ScenarioResult[];
  pgVersion: string;
  /** EXPLAIN ANALYZE of the main data set's scenarios 1–3. */
  explained: ExplainedRequest[];
  /** SQL statements of one uncached list request by page size. */
  statementsByPageSize: Record<string, number>;
  scaling: ScalingRow[];
}

/** What every step of a run shares: the options, the servers' JWT secret and a scratch DATA_DIR. */
export interface RunContext {
  options: BenchOptions;
  jwtSecret: string;
  dataDir: string;
}

export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length === 0 ? 0 : s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
};

/** Runs load.ts in its own process (it never shares an event loop with a server or with us). */
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

/** The load of scenario `id` against `server`, with the run's settings. */
function load(
  ctx: RunContext,
  id: ScenarioId,
  server: ServerProcess,
  f: Fixtures,
  timing: Pick<LoadSpec, 'warmupSeconds' | 'durationSeconds' | 'runs'>,
): LoadSpec {
  return { ...spec(id, f), url: server.url, connections: ctx.options.config.connections, ...timing };
}

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
  return result;
}

const selected = (ctx: RunContext, id: ScenarioId) =>
  !ctx.options.config.only || ctx.options.config.only.has(id);

/**
 * Measures the jobs run by run in turn (job A run 1, job B run 1, …, job A run 2, …), each run after
 * its own warm-up, so scenarios that are compared share whatever else the machine is doing.
 */
async function measureTogether(ctx: RunContext, jobs: Job[]): Promise<ScenarioResult[]> {
  const { config } = ctx.options;
  const chosen = jobs.filter((job) => selected(ctx, job.id));
  for (const job of chosen) await probe(job);
  const runs = chosen.map((): RunStats[] => []);
  for (let round = 0; round < config.runs; round++) {
    for (const [i, job] of chosen.entries()) {
      const { runs: these } = await runLoadProcess(
        load(ctx, job.id, job.server, job.f, {
          warmupSeconds: config.warmupSeconds,
          durationSeconds: config.durationSeconds,
          runs: 1,
        }),
      );
      runs[i]?.push(...these);
    }
  }
  return chosen.map((job, i) => summarise(job, runs[i] ?? []));
}

/** Measures one scenario (warm-up, then its runs back to back). */
async function measure(ctx: RunContext, job: Job): Promise<ScenarioResult[]> {
  const { config } = ctx.options;
  if (!selected(ctx, job.id)) return [];
  await probe(job);
  const { runs } = await runLoadProcess(
    load(ctx, job.id, job.server, job.f, {
      warmupSeconds: config.warmupSeconds,
      durationSeconds: config.durationSeconds,
      runs: config.runs,
    }),
  );
  return [summarise(job, runs)];
}

/** Unrecorded load on a freshly started server: its first seconds are not its steady state. */
async function warmUp(ctx: RunContext, server: ServerProcess, id: ScenarioId, f: Fixtures): Promise<void> {
  const seconds = ctx.options.config.serverWarmupSeconds;
  if (seconds <= 0) return;
  await runLoadProcess(load(ctx, id, server, f, { warmupSeconds: seconds, durationSeconds: 0, runs: 0 }));
}

export async function withPg<T>(url: string, task: (q: Query) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await task(async (text, params) => (await client.query(text, params)).rows);
  } finally {
    await client.end();
  }
}

/** Lectern as in production: on PostgreSQL at `databaseUrl`, or on PGlite under `dataDir`. */
export function lectern(
  ctx: RunContext,
  databaseUrl: string | undefined,
  dataDir: string,
  cacheEntries: number,
  serverDir?: string,
): Promise<ServerProcess> {
  const { config } = ctx.options;
  return startLectern({
    serverDir,
    databaseUrl,
    dataDir,
    jwtSecret: ctx.jwtSecret,
    workers: databaseUrl ? config.workers : 1,
    poolSize: config.poolSize,
    cacheEntries,
    cpuProfDir: ctx.options.cpuProfDir,
  });
}

/** Seeds the data set of `posts` posts on PostgreSQL (if missing) and says which server it is. */
export async function preparePostgres(url: string, posts: number): Promise<string> {
  await seedPostgres(url, { posts, log: (l) => log(`seed ${label(posts)}: ${l}`) });
  return withPg(url, async (q) => {
    const [row] = await q('SELECT version() AS v', []);
    return String(row?.v ?? '');
  });
}

/** The fewest SQL statements of three uncached list requests, per page size. */
async function statementsByPageSize(server: ServerProcess, token: string): Promise<Record<string, number>> {
  // The fewest of three tries: the settings cache (SETTINGS_CACHE_MS) adds a read now and then.
  const bySize: Record<string, number> = {};
  for (const size of [1, 20, 100]) {
    const counts: number[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`${server.url}/api/posts/?is_published=true&page_size=${size}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      await res.arrayBuffer();
      counts.push(Number(res.headers.get(SQL_STATEMENTS_HEADER) ?? Number.NaN));
    }
    bySize[String(size)] = Math.min(...counts);
  }
  return bySize;
}

/** EXPLAIN ANALYZE of the list and search requests, and the timings the scaling table shows. */
async function explainSize(
  ctx: RunContext,
  url: string,
  posts: number,
  main: boolean,
  f: Fixtures,
): Promise<{ explained: ExplainedRequest[]; scaling: ScalingRow }> {
  const path = (id: ScenarioId) => spec(id, f).paths[0] ?? '';
  const ids: ScenarioId[] = ['s1', 's2', 's2k', 's3'];
  const plans = await explainRequests(
    url,
    f.token,
    ctx.jwtSecret,
    ids.map((id) => ({ name: TITLES[id], path: path(id) })),
  );
  // The time of a request's statements on posts (the user lookup and settings reads left out).
  const postsTime = (r: ExplainedRequest | undefined) =>
    r?.statements.filter((s) => /posts/.test(s.sql)).reduce((a, s) => a + (s.executionMs ?? 0), 0) ?? null;
  const [matches] = await withPg(url, (q) =>
    q(
      `SELECT count(*)::int AS n FROM posts WHERE NOT is_deleted AND is_published
       AND search_vector @@ websearch_to_tsquery('english', $1)`,
      [SEARCH_WORDS.join(' ')],
    ),
  );
  return {
    explained: main ? plans : [],
    scaling: {
      posts,
      listMs: postsTime(plans[0]),
      deepMs: postsTime(plans[2]),
      searchMs: postsTime(plans[3]),
      searchMatches: Number(matches?.n ?? 0),
    },
  };
}

/** Stops the servers whatever happens in `task`. */
export async function withServers<T>(
  task: (keep: (server: ServerProcess) => ServerProcess) => Promise<T>,
): Promise<T> {
  const servers: ServerProcess[] = [];
  try {
    return await task((server) => {
      servers.push(server);
      return server;
    });
  } finally {
    for (const server of servers) await server.stop();
  }
}

async function benchPostgres(ctx: RunContext, posts: number, main: boolean): Promise<BenchRun> {
  const { config } = ctx.options;
  const url = databaseFor(ctx.options, posts);
  const pgVersion = await preparePostgres(url, posts);

  // Every server of this size runs at once (idle ones cost nothing), so the scenarios that targets
  // compare are measured run by run in turn, under the same conditions.
  return withServers(async (keep) => {
    const floor = main
      ? keep(await startFloor({ databaseUrl: url, workers: config.workers, poolSize: config.poolSize }))
      : undefined;
    const uncached = keep(await lectern(ctx, url, ctx.dataDir, 0));
    const cached = keep(await lectern(ctx, url, ctx.dataDir, 1000));
    const { baselineDir } = ctx.options;
    const baseline =
      main && baselineDir
        ? keep(await lectern(ctx, url, ctx.dataDir, 0, path.join(baselineDir, 'apps/server')))
        : undefined;
    const fOff = await withPg(url, (q) => fixtures(uncached, q));
    const f = await withPg(url, (q) => fixtures(cached, q));
    if (floor) await warmUp(ctx, floor, 'floor', NO_FIXTURES);
    await warmUp(ctx, uncached, 's1', fOff);
    await warmUp(ctx, cached, 's1', f);
    if (baseline) await warmUp(ctx, baseline, 's1', fOff);
    const off = (id: ScenarioId): Job => ({
      id,
      server: uncached,
      serverName: 'lectern, cache off',
      posts,
      f: fOff,
    });
    const on = (id: ScenarioId): Job => ({ id, server: cached, serverName: 'lectern, cache on', posts, f });
    const before = (id: ScenarioId): Job[] =>
      baseline ? [{ id, server: baseline, serverName: BASELINE_SERVER, posts, f: fOff }] : [];

    const scenarios: ScenarioResult[] = [];
    let bySize: Record<string, number> = {};
    if (main && floor) {
      scenarios.push(
        ...(await measureTogether(ctx, [
          { id: 'floor', server: floor, serverName: 'floor', posts, f: NO_FIXTURES },
          off('s1'),
          ...before('s1'),
          off('s2'),
          ...before('s2'),
          off('s2k'),
          ...before('s2k'),
          off('s3'),
          ...before('s3'),
          off('s4'),
          off('s6'),
          ...before('s6'),
          on('s1'),
        ])),
      );
      for (const id of ['s5', 's7'] as const) scenarios.push(...(await measure(ctx, off(id))));
      for (const id of ['s1-etag', 's2', 's3', 's6'] as const)
        scenarios.push(...(await measure(ctx, on(id))));
      // Constant statements per list request whatever the page size.
      bySize = await statementsByPageSize(uncached, fOff.token);
    } else {
      scenarios.push(
        ...(await measureTogether(ctx, [
          off('s1'),
          off('s2'),
          off('s2k'),
          off('s3'),
          on('s1'),
          on('s2k'),
          on('s3'),
        ])),
      );
    }

    const explainedSize = ctx.options.skipExplain ? undefined : await explainSize(ctx, url, posts, main, f);
    return {
      scenarios,
      pgVersion,
      explained: explainedSize?.explained ?? [],
      statementsByPageSize: bySize,
      scaling: explainedSize ? [explainedSize.scaling] : [],
    };
  });
}

async function benchPglite(ctx: RunContext): Promise<ScenarioResult[]> {
  const { config } = ctx.options;
  const posts = config.pglitePosts;
  const pgliteDir = config.smoke
    ? path.join(ctx.dataDir, 'pglite-smoke')
    : path.join(BENCH_DIR, '.data', `pglite-${label(posts)}`);
  await mkdir(pgliteDir, { recursive: true });
  await seedPglite(pgliteDir, { posts, log: (l) => log(`seed PGlite ${label(posts)}: ${l}`) });
  const modes = config.smoke
    ? ([[1000, 'PGlite, cache on']] as const)
    : ([
        [0, 'PGlite, cache off'],
        [1000, 'PGlite, cache on'],
      ] as const);
  const scenarios: ScenarioResult[] = [];
  for (const [cacheEntries, serverName] of modes) {
    await withServers(async (keep) => {
      const server = keep(await lectern(ctx, undefined, pgliteDir, cacheEntries));
      // PGlite lives inside the server: fixtures come from the API itself.
      const f = await fixtures(server, async () => []);
      const page = await fetch(`${server.url}/api/posts/?is_published=true&page_size=100`, {
        headers: { authorization: `Bearer ${f.token}` },
      });
      const body = (await page.json()) as { results: Array<{ slug: string }> };
      f.postSlugs = body.results.map((r) => r.slug);
      await warmUp(ctx, server, 's1', f);
      const job = (id: ScenarioId): Job => ({ id, server, serverName, posts, f });
      scenarios.push(...(await measure(ctx, job('s1'))));
      if (cacheEntries === 0 || config.smoke) scenarios.push(...(await measure(ctx, job('s4'))));
    });
  }
  return scenarios;
}

/** Runs a fresh scratch DATA_DIR through `task`, and removes it (and the smoke databases) after. */
export async function withRunContext<T>(
  options: BenchOptions,
  task: (ctx: RunContext, dropAfter: (url: string) => void) => Promise<T>,
): Promise<T> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'lectern-bench-data-'));
  const ctx: RunContext = { options, jwtSecret: randomBytes(36).toString('base64url'), dataDir };
  const dropped: string[] = [];
  try {
    return await task(ctx, (url) => dropped.push(url));
  } finally {
    for (const url of dropped) await dropDatabase(url).catch(() => undefined);
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** Every scenario of the benchmarks issue, on every data set the options ask for. */
export function runBench(options: BenchOptions): Promise<BenchRun> {
  const { config } = options;
  return withRunContext(options, async (ctx, dropAfter) => {
    const sizes = [config.posts, ...(options.skipScaling ? [] : config.scalingSizes)];
    const run: BenchRun = {
      scenarios: [],
      pgVersion: '',
      explained: [],
      statementsByPageSize: {},
      scaling: [],
    };
    for (const [i, size] of sizes.entries()) {
      if (config.smoke) dropAfter(databaseFor(options, size));
      const sized = await benchPostgres(ctx, size, i === 0);
      run.scenarios.push(...sized.scenarios);
      run.explained.push(...sized.explained);
      run.scaling.push(...sized.scaling);
      run.pgVersion = sized.pgVersion;
      if (i === 0) run.statementsByPageSize = sized.statementsByPageSize;
    }
    if (!options.skipPglite) run.scenarios.push(...(await benchPglite(ctx)));
    return run;
  });
}
