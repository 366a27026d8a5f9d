/**
 * `node --import tsx research/cpu-per-request.ts [seconds]`: the floor and Lectern (cache off), one
 * process each (WORKERS=1), on the 100k data set; for each door of the same list page, autocannon
 * (32 connections) in turn, and the CPU time (utime + stime from /proc) that the server process and the
 * PostgreSQL backends serving it spent per request. CPU per request holds up on a shared machine far
 * better than requests per second do.
 */
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import autocannon from 'autocannon';
import pg from 'pg';
import { startFloor, startLectern } from '../src/processes.ts';
import { LIST_PATH, login, READER } from '../src/scenarios.ts';

const seconds = Number(process.argv[2] ?? 15);
const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/lectern_bench';
const TICK_MS = 10; // USER_HZ = 100

function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) * TICK_MS;
}

const admin = new pg.Client({ connectionString: url });
await admin.connect();
async function backendPids(): Promise<number[]> {
  const { rows } = await admin.query(
    "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'",
  );
  return rows.map((r: { pid: number }) => r.pid);
}
const readable = (pid: number) => {
  try {
    return cpuMs(pid);
  } catch {
    return null;
  }
};
/** CPU of the backends alive at the end since `start` (a backend opened meanwhile counts whole). */
async function pgCpuSince(start: Map<number, number>): Promise<number> {
  let total = 0;
  for (const pid of await backendPids()) {
    const now = readable(pid);
    if (now !== null) total += now - (start.get(pid) ?? 0);
  }
  return total;
}
const snapshot = async () => new Map((await backendPids()).map((pid) => [pid, readable(pid) ?? 0]));

const secret = 'research-secret-research-secret-0123456789';
const common = { dataDir: '/tmp/wtb/data', jwtSecret: secret, workers: 1, poolSize: 10 };
const floor = await startFloor({ databaseUrl: url, workers: 1, poolSize: 10 });
const lectern = await startLectern({ ...common, databaseUrl: url, cacheEntries: 0 });
const { access } = await login(lectern, READER);
const enc = (x: unknown) => encodeURIComponent(JSON.stringify(x));
const input = { is_published: true, page_size: '20' };
const doors = [
  { name: 'floor (bare Fastify + pg, 1 statement)', server: floor, path: LIST_PATH },
  { name: 'REST (trpc-to-openapi)', server: lectern, path: LIST_PATH },
  {
    name: 'tRPC, batch link (SDK)',
    server: lectern,
    path: `/trpc/posts.list?batch=1&input=${enc({ 0: { json: input } })}`,
  },
  { name: 'tRPC, no batching', server: lectern, path: `/trpc/posts.list?input=${enc({ json: input })}` },
];
const run = (server: { url: string }, path: string, duration: number) =>
  new Promise<autocannon.Result>((resolve, reject) =>
    autocannon(
      {
        url: `${server.url}${path}`,
        connections: 32,
        duration,
        headers: { authorization: `Bearer ${access}` },
      },
      (err, res) => (err ? reject(err) : resolve(res)),
    ),
  );
console.log(
  `| door | req/s | p50 ms | p99 ms | non-2xx | Node CPU ms/req | PostgreSQL CPU ms/req | load average |\n|---|---|---|---|---|---|---|---|`,
);
for (const round of [1, 2]) {
  for (const door of doors) {
    await run(door.server, door.path, 3); // warm-up
    const pid = door.server.child.pid ?? 0;
    const n0 = cpuMs(pid);
    const p0 = await snapshot();
    const res = await run(door.server, door.path, seconds);
    const node = cpuMs(pid) - n0;
    const pgMs = await pgCpuSince(p0);
    const done = res.requests.total;
    console.log(
      `| ${door.name} (round ${round}) | ${(done / seconds).toFixed(0)} | ${res.latency.p50} | ${res.latency.p99} | ${res.non2xx} | ${(node / done).toFixed(2)} | ${(pgMs / done).toFixed(2)} | ${(
        await import('node:os')
      )
        .loadavg()
        .map((x) => x.toFixed(2))
        .join(' ')} |`,
    );
    await sleep(500);
  }
}
await lectern.stop();
await floor.stop();
await admin.end();
