/** Server processes for the bench: Lectern (apps/server, production mode) and the floor. */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { SQL_STATEMENTS_HEADER } from '../../apps/server/src/plugins/query-count.ts';

export const BENCH_DIR = fileURLToPath(new URL('..', import.meta.url));
export const SERVER_DIR = path.resolve(BENCH_DIR, '../apps/server');
export { SQL_STATEMENTS_HEADER };

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  const srv = createServer();
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const { port } = srv.address() as { port: number };
  srv.close();
  await once(srv, 'close');
  return port;
}

/** The environment a child gets: ours minus any Lectern setting, plus `env`. */
function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = {};
  for (const key of ['PATH', 'HOME', 'TMPDIR', 'LANG', 'TZ']) {
    if (process.env[key] !== undefined) base[key] = process.env[key];
  }
  return { ...base, ...env };
}

async function start(
  script: string,
  cwd: string,
  env: Record<string, string>,
  nodeFlags: string[],
  healthPath: string,
): Promise<ServerProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [...nodeFlags, '--import', 'tsx', script], {
    cwd,
    env: childEnv({ ...env, PORT: String(port), HOST: '127.0.0.1' }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const keep = (d: Buffer) => {
    out = (out + d.toString()).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  };
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${script} exited early:\n${out}`);
    try {
      const res = await fetch(`${url}${healthPath}`);
      if (res.status === 200) {
        // In cluster mode the first healthy answer may come from the first worker only.
        await sleep(500);
        return { url, child, output: () => out, stop };
      }
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  await stop();
  throw new Error(`${script} did not become healthy:\n${out}`);
}

export interface LecternOptions {
  /** PostgreSQL; absent means PGlite under dataDir. */
  databaseUrl: string | undefined;
  dataDir: string;
  jwtSecret: string;
  workers: number;
  poolSize: number;
  cacheEntries: number;
  /** Directory for --cpu-prof output, if profiling. */
  cpuProfDir?: string | undefined;
  /** The server package to start (default: this checkout's apps/server). */
  serverDir?: string | undefined;
}

export function startLectern(opts: LecternOptions): Promise<ServerProcess> {
  const env: Record<string, string> = {
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    JWT_SECRET: opts.jwtSecret,
    DATA_DIR: opts.dataDir,
    WORKERS: String(opts.workers),
    DB_POOL_SIZE: String(opts.poolSize),
    CONTENT_CACHE_ENTRIES: String(opts.cacheEntries),
    BENCH_COUNT_QUERIES: 'true',
    // Tokens outlive a long bench; login is measured, not limited.
    ACCESS_TOKEN_TTL_MINUTES: '1440',
    RATE_LIMIT_LOGIN_PER_IP: '100000000',
    RATE_LIMIT_LOGIN_PER_EMAIL: '100000000',
    LOGIN_LOCKOUT_FAILURES: '100000000',
  };
  if (opts.databaseUrl) env.DATABASE_URL = opts.databaseUrl;
  else env.ALLOW_PGLITE_IN_PRODUCTION = 'true';
  const flags = opts.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${opts.cpuProfDir}`] : [];
  return start('src/main.ts', opts.serverDir ?? SERVER_DIR, env, flags, '/health-check/');
}

export function startFloor(opts: {
  databaseUrl: string;
  workers: number;
  poolSize: number;
}): Promise<ServerProcess> {
  return start(
    'src/floor.ts',
    BENCH_DIR,
    { DATABASE_URL: opts.databaseUrl, WORKERS: String(opts.workers), DB_POOL_SIZE: String(opts.poolSize) },
    [],
    '/health-check/',
  );
}
