/** The command line of `pnpm bench`, read once into a typed, read-only options object. */
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { BENCH_DIR } from './processes.ts';
import { DEFAULT_BENCH_URL } from './seed.ts';

/** The settings every measurement depends on (written as `config` into the JSON report). */
export interface BenchConfig {
  smoke: boolean;
  posts: number;
  pglitePosts: number;
  durationSeconds: number;
  warmupSeconds: number;
  /** Load on a freshly started server before its first scenario (JIT, pools, PostgreSQL caches). */
  serverWarmupSeconds: number;
  runs: number;
  connections: number;
  workers: number;
  poolSize: number;
  scalingSizes: number[];
  only: ReadonlySet<string> | null;
}

export interface SoakOptions {
  minutes: number;
  /** How often the server processes' resident memory is sampled. */
  sampleSeconds: number;
}

export interface BenchOptions {
  config: BenchConfig;
  /** `--soak`: the soak scenario alone, instead of the scenarios of the benchmarks issue. */
  soak: SoakOptions | null;
  skipScaling: boolean;
  skipPglite: boolean;
  skipExplain: boolean;
  /** Directory for V8 CPU profiles of the server processes, if profiling. */
  cpuProfDir: string | undefined;
  outDir: string;
  /** The PostgreSQL database of the main data set. */
  baseUrl: string;
  /**
   * Another checkout of Lectern (its root, with its own node_modules) to measure beside this one, cache
   * off, in the same run on the same data: a before/after comparison that shares the machine's state.
   */
  baselineDir: string | undefined;
}

export function parseOptions(
  argv: string[] = process.argv.slice(2),
  env: NodeJS.ProcessEnv = process.env,
): BenchOptions {
  const { values: args } = parseArgs({
    args: argv,
    options: {
      smoke: { type: 'boolean', default: false },
      'scale-1m': { type: 'boolean', default: false },
      soak: { type: 'boolean', default: false },
      'soak-minutes': { type: 'string' },
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
      baseline: { type: 'string' },
    },
  });
  const smoke = args.smoke === true;
  const num = (name: string, value: string | undefined, fallback: number) => {
    if (value === undefined) return fallback;
    const n = Number(value);
    if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a non-negative number`);
    return n;
  };
  const config: BenchConfig = {
    smoke,
    posts: num('posts', args.posts, smoke ? 240 : 100_000),
    pglitePosts: num('pglite-posts', args['pglite-posts'], smoke ? 120 : 10_000),
    durationSeconds: num('duration', args.duration, smoke ? 2 : 10),
    warmupSeconds: num('warmup', args.warmup, smoke ? 0 : 5),
    serverWarmupSeconds: smoke ? 0 : 15,
    runs: num('runs', args.runs, smoke ? 1 : 3),
    connections: num('connections', args.connections, smoke ? 8 : 32),
    workers: num('workers', args.workers, smoke ? 1 : 2),
    poolSize: num('pool', args.pool, 10),
    // The smoke run skips the extra sizes (the same code as the main size, with fewer scenarios).
    scalingSizes: smoke ? [] : [10_000, ...(args['scale-1m'] ? [1_000_000] : [])],
    only: args.only ? new Set(args.only.split(',')) : null,
  };
  const soak =
    args.soak === true
      ? {
          minutes: num('soak-minutes', args['soak-minutes'], smoke ? 0.25 : 10),
          sampleSeconds: smoke ? 1 : 5,
        }
      : null;
  return {
    config,
    soak,
    skipScaling: args['skip-scaling'] === true,
    skipPglite: args['skip-pglite'] === true,
    skipExplain: args['skip-explain'] === true,
    cpuProfDir: args['cpu-prof'],
    outDir:
      args.out ??
      (smoke
        ? path.join(os.tmpdir(), `lectern-bench-smoke-${process.pid}`)
        : path.join(BENCH_DIR, 'results')),
    baseUrl: env.DATABASE_URL || DEFAULT_BENCH_URL,
    baselineDir: args.baseline === undefined ? undefined : path.resolve(args.baseline),
  };
}

/** 10000 → `10k`, 1000000 → `1m`. */
export const label = (n: number) =>
  n >= 1_000_000 ? `${n / 1_000_000}m` : n >= 1000 ? `${n / 1000}k` : String(n);

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** The database holding a data set of `posts` posts (the main size uses DATABASE_URL itself). */
export function databaseFor(options: BenchOptions, posts: number): string {
  const baseName = new URL(options.baseUrl).pathname.slice(1) || 'lectern_bench';
  if (options.config.smoke)
    return withDatabase(options.baseUrl, `${baseName}_smoke_${process.pid}_${label(posts)}`);
  return posts === options.config.posts
    ? options.baseUrl
    : withDatabase(options.baseUrl, `${baseName}_${label(posts)}`);
}

export const log = (line: string) => console.log(`[bench] ${line}`);
