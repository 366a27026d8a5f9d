/**
 * `node --import tsx research/profile-layers.ts <file.cpuprofile> [<from-seconds> <to-seconds>]`:
 * groups a V8 CPU profile's samples by layer (the package or folder of the leaf frame) — self time —
 * and by the first frame of interest on the stack (inclusive time of a few named steps), for the
 * window of the profile given (by default all of it). Prints Markdown tables.
 */
import { readFileSync } from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

const LAYERS: Array<[string, RegExp]> = [
  ['jose (JWT verify)', /\/jose@/],
  ['pg driver (pg, pg-protocol, pg-pool)', /\/(pg|pg-protocol|pg-pool|pg-types|postgres-[a-z]+)@/],
  ['kysely (query building, compile)', /\/kysely@/],
  ['zod (input/output parse)', /\/zod@/],
  ['trpc-to-openapi (REST bridge)', /\/trpc-to-openapi@/],
  ['@trpc/server', /\/@trpc\+server@/],
  ['superjson', /\/superjson@/],
  [
    'fastify + plugins',
    /\/(fastify|@fastify\+[a-z-]+|find-my-way|avvio|light-my-request|fast-json-stringify|fast-querystring|fast-uri|secure-json-parse|toad-cache|abstract-logging|pino[a-z-]*|@fastify)@/,
  ],
  ['tsx loader', /\/tsx@|\/esbuild@/],
  ['other node_modules', /\/node_modules\//],
  ['Lectern: apps/server', /\/apps\/server\/src\//],
  ['Lectern: packages/api', /\/packages\/api\/src\//],
  ['Lectern: packages/db', /\/packages\/db\/src\//],
  ['node core (http, net, streams, crypto…)', /^node:/],
];

function layerOf(node: Node): string {
  const { url, functionName } = node.callFrame;
  if (url === '') {
    if (functionName === '(garbage collector)') return 'GC';
    if (functionName === '(idle)') return 'idle';
    if (functionName === '(program)') return '(program: native, not attributed)';
    return `V8 builtin/native: ${functionName || '(anonymous)'}`;
  }
  for (const [name, re] of LAYERS) if (re.test(url)) return name;
  return `other: ${url.replace(/^file:\/\//, '')}`;
}

/** Named steps, matched on a stack from the root down; the first match wins (inclusive time). */
const STEPS: Array<[string, (n: Node) => boolean]> = [
  ['createContext (JWT verify + active-user lookup)', (n) => n.callFrame.functionName === 'createContext'],
  ['verifyAccessToken (jose)', (n) => n.callFrame.functionName === 'verifyAccessToken'],
  ['findActiveUserById', (n) => n.callFrame.functionName === 'findActiveUserById'],
  ['listPosts (kysely build + pg)', (n) => n.callFrame.functionName === 'listPosts'],
  ['toPostSummary', (n) => n.callFrame.functionName === 'toPostSummary'],
  ['zod output parse (any zod frame)', (n) => /\/zod@/.test(n.callFrame.url)],
  ['JSON.stringify', (n) => n.callFrame.functionName === 'stringify' && n.callFrame.url === ''],
  ['superjson serialize', (n) => /\/superjson@/.test(n.callFrame.url)],
  ['pg driver', (n) => /\/(pg|pg-protocol|pg-pool)@/.test(n.callFrame.url)],
];

const [file, from, to] = process.argv.slice(2);
if (!file) throw new Error('usage: profile-layers.ts <file.cpuprofile> [from-s to-s]');
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

const self = new Map<string, number>();
const inclusive = new Map<string, number>();
let total = 0;
let t = 0;
const fromUs = from === undefined ? 0 : Number(from) * 1e6;
const toUs = to === undefined ? Number.POSITIVE_INFINITY : Number(to) * 1e6;
for (const [i, id] of profile.samples.entries()) {
  const delta = profile.timeDeltas[i] ?? 0;
  t += delta;
  if (t < fromUs || t > toUs) continue;
  const node = byId.get(id);
  if (!node) continue;
  const layer = layerOf(node);
  if (layer === 'idle') continue;
  total += delta;
  self.set(layer, (self.get(layer) ?? 0) + delta);
  const seen = new Set<string>();
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const n = byId.get(cur);
    if (!n) break;
    for (const [name, match] of STEPS) if (!seen.has(name) && match(n)) seen.add(name);
  }
  for (const name of seen) inclusive.set(name, (inclusive.get(name) ?? 0) + delta);
}
const pct = (us: number) => `${((us / total) * 100).toFixed(1)}%`;
const ms = (us: number) => (us / 1000).toFixed(0);
console.log(`Busy (non-idle) CPU in the window: ${ms(total)} ms\n`);
console.log('| layer (self time of the leaf frame) | ms | share |\n|---|---|---|');
const rows = [...self.entries()].sort((a, b) => b[1] - a[1]);
let rest = 0;
for (const [name, us] of rows) {
  if (us / total < 0.004) rest += us;
  else console.log(`| ${name} | ${ms(us)} | ${pct(us)} |`);
}
console.log(`| (smaller entries) | ${ms(rest)} | ${pct(rest)} |`);
console.log('\n| step (inclusive: on the stack) | ms | share |\n|---|---|---|');
for (const [name] of STEPS) {
  const us = inclusive.get(name) ?? 0;
  console.log(`| ${name} | ${ms(us)} | ${pct(us)} |`);
}
