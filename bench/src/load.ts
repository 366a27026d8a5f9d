/**
 * The load generator, run as its own process (so it never shares an event loop with a server):
 * `node --import tsx src/load.ts <spec.json>` runs autocannon for a warm-up, then `runs` times for a
 * fixed duration, and prints one JSON line (LoadResult) on stdout.
 */
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';

export interface LoadSpec {
  /** Base URL of the server (http://127.0.0.1:port). */
  url: string;
  connections: number;
  warmupSeconds: number;
  durationSeconds: number;
  runs: number;
  method: 'GET' | 'POST';
  /** Paths taken in turn, one per request (a single path for most scenarios). */
  paths: string[];
  /** JSON bodies taken in turn (POST scenarios). */
  bodies?: string[];
  headers: Record<string, string>;
  /** Send back the ETag of the previous answer in If-None-Match (a revalidating client). */
  revalidate?: boolean;
  /** Name of the response header counting the SQL statements of each request, if the server sets one. */
  statementsHeader?: string;
}

export interface RunStats {
  requestsPerSecond: number;
  p50: number;
  p90: number;
  p99: number;
  /** Responses in total, and by status class. */
  responses: number;
  statuses: Record<string, number>;
  /** Connection errors and timeouts (autocannon's `errors` includes timeouts). */
  errors: number;
  timeouts: number;
  /** Mean SQL statements per response, when the server reports them. */
  statementsPerRequest: number | null;
  /** Mean response body size in bytes. */
  bytesPerResponse: number;
}

export interface LoadResult {
  runs: RunStats[];
}

function once(spec: LoadSpec, seconds: number): Promise<RunStats> {
  let turn = 0;
  let statements = 0;
  let counted = 0;
  const etags = new Map<string, string>();
  const statementsHeader = spec.statementsHeader;
  // A request that never changes is built once; setupRequest rebuilds it for every request.
  const dynamic = spec.paths.length > 1 || (spec.bodies?.length ?? 0) > 1 || spec.revalidate === true;
  const request: autocannon.Request = {
    method: spec.method,
    path: spec.paths[0] ?? '/',
    headers: spec.headers,
    ...(spec.bodies?.[0] === undefined ? {} : { body: spec.bodies[0] }),
    onResponse: (_status, _body, _context, headers) => {
      const record = headers as Record<string, string | undefined> | undefined;
      if (statementsHeader && record?.[statementsHeader] !== undefined) {
        statements += Number(record[statementsHeader]);
        counted++;
      }
      if (spec.revalidate && record?.etag && spec.paths.length === 1) {
        etags.set(spec.paths[0] ?? '/', record.etag);
      }
    },
  };
  if (dynamic)
    request.setupRequest = (req) => {
      const n = turn++;
      const path = spec.paths[n % spec.paths.length] ?? '/';
      const body = spec.bodies ? spec.bodies[n % spec.bodies.length] : undefined;
      const headers = { ...spec.headers };
      const etag = spec.revalidate ? etags.get(path) : undefined;
      if (etag) headers['if-none-match'] = etag;
      return { ...req, path, headers, ...(body === undefined ? {} : { body }) };
    };
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: spec.url,
        connections: spec.connections,
        duration: seconds,
        timeout: 10,
        requests: [request],
      },
      (error, result) => {
        if (error) return reject(error);
        const statuses: Record<string, number> = {};
        for (const [code, stat] of Object.entries(result.statusCodeStats ?? {})) {
          statuses[code] = (stat as { count: number }).count;
        }
        const responses = Object.values(statuses).reduce((a, b) => a + b, 0);
        resolve({
          requestsPerSecond: responses / seconds,
          p50: result.latency.p50,
          p90: result.latency.p90,
          p99: result.latency.p99,
          responses,
          statuses,
          errors: result.errors,
          timeouts: result.timeouts,
          statementsPerRequest: counted > 0 ? statements / counted : null,
          bytesPerResponse: responses > 0 ? result.throughput.total / responses : 0,
        });
      },
    );
  });
}

export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  if (spec.warmupSeconds > 0) await once(spec, spec.warmupSeconds);
  const runs: RunStats[] = [];
  for (let i = 0; i < spec.runs; i++) runs.push(await once(spec, spec.durationSeconds));
  return { runs };
}

const specPath = process.argv[2];
if (specPath && process.argv[1]?.endsWith('load.ts')) {
  const spec = JSON.parse(readFileSync(specPath, 'utf8')) as LoadSpec;
  runLoad(spec).then(
    (result) => {
      process.stdout.write(`${JSON.stringify(result)}\n`);
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
