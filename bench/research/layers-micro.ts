/**
 * `DATABASE_URL=… node --import tsx research/layers-micro.ts`: the Node CPU of each step of an uncached
 * list request, measured one step at a time in a quiet loop (best of 5 rounds, µs per call), on a real
 * page of 20 posts read from the bench database: JWT verification (as today, and alternatives), Kysely
 * building + compiling the list's statements, zod output validation, JSON and superjson serialisation.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { signAccessToken, verifyAccessToken } from '@lectern/api';
import { createDb } from '@lectern/db';
import {
  type Driver,
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
} from 'kysely';
import superjson from 'superjson';

// jose is @lectern/api's dependency, not the bench's: load the copy the API uses.
const { jwtVerify } = (await import(
  new URL('../../packages/api/node_modules/jose/dist/webapi/index.js', import.meta.url).href
)) as typeof import('../../packages/api/node_modules/jose/dist/types/index.d.ts');

// biome-ignore lint/style/noRestrictedImports: a research script timing the API's internal layers one by one
import { listPosts, type PostListOptions } from '../../packages/api/src/posts/queries.ts';
// biome-ignore lint/style/noRestrictedImports: a research script timing the API's internal layers one by one
import { postPageOutput } from '../../packages/api/src/posts/schemas.ts';
// biome-ignore lint/style/noRestrictedImports: a research script timing the API's internal layers one by one
import { findActiveUserById } from '../../packages/api/src/users/queries.ts';

async function time(name: string, n: number, fn: () => unknown): Promise<number> {
  let best = Number.POSITIVE_INFINITY;
  for (let round = 0; round < 5; round++) {
    const start = process.cpuUsage();
    for (let i = 0; i < n; i++) await fn();
    const used = process.cpuUsage(start);
    best = Math.min(best, (used.user + used.system) / n);
  }
  console.log(`| ${name} | ${best.toFixed(1)} |`);
  return best;
}

const secret = 'research-secret-research-secret-0123456789';
const token = await signAccessToken(secret, 100, 3600);
const cryptoKey = await crypto.subtle.importKey(
  'raw',
  new TextEncoder().encode(secret),
  { name: 'HMAC', hash: 'SHA-256' },
  false,
  ['verify'],
);
const rawKey = new TextEncoder().encode(secret);

/** HS256 verified with node:crypto synchronously (what a jose replacement would do). */
function verifySync(jwt: string): number | null {
  const [h, p, s] = jwt.split('.');
  if (!h || !p || !s) return null;
  const expected = createHmac('sha256', rawKey).update(`${h}.${p}`).digest();
  const given = Buffer.from(s, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  const header = JSON.parse(Buffer.from(h, 'base64url').toString()) as { alg?: string };
  const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as {
    exp?: number;
    iss?: string;
    typ?: string;
    sub?: string;
  };
  if (header.alg !== 'HS256' || claims.iss !== 'lectern' || claims.typ !== 'access') return null;
  if (!claims.exp || claims.exp * 1000 < Date.now()) return null;
  return Number(claims.sub);
}

const { db } = createDb({
  databaseUrl: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/lectern_bench',
  poolSize: 1,
});
const options: PostListOptions = {
  viewer: { id: 100, staff: false },
  filters: { isPublished: true },
  ordering: undefined,
  limit: 20,
  offset: 0,
};
const { count, results } = await listPosts(db, options);
const page = {
  count,
  next: 'http://127.0.0.1:8000/api/posts/?is_published=true&page_size=20&page=2',
  previous: null,
  results: results.map((r) => ({
    id: r.id,
    title: r.title,
    slug: r.slug,
    excerpt: r.excerpt,
    tags: r.tags,
    categories: r.categories,
    thumbnail: r.thumbnail,
    author: r.author,
    is_published: r.is_published,
    published_at: r.published_at,
    created_at: r.created_at,
    updated_at: r.updated_at,
  })),
};
await db.destroy();
const dummy = new Kysely<never>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    // Every statement answers one row { count: 100 }: listPosts then builds its page statement too.
    createDriver: (): Driver =>
      Object.assign(new DummyDriver(), {
        acquireConnection: async () => ({
          executeQuery: async () => ({ rows: [{ count: 100 }] }),
          streamQuery: async function* () {},
        }),
      }),
    createIntrospector: (k) => new PostgresIntrospector(k),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
});

console.log(`page: ${results.length} posts, REST JSON ${JSON.stringify(page).length} bytes\n`);
console.log('| step | µs per request (CPU, best of 5) |\n|---|---|');
await time('jose jwtVerify, key re-encoded each call (today: verifyAccessToken)', 3000, () =>
  verifyAccessToken(secret, token),
);
await time('jose jwtVerify with a CryptoKey imported once', 3000, () =>
  jwtVerify(token, cryptoKey, { algorithms: ['HS256'], issuer: 'lectern' }),
);
await time('node:crypto createHmac + timingSafeEqual (sync)', 20000, () => verifySync(token));
await time('Kysely build + compile: active-user lookup (no database)', 5000, () =>
  findActiveUserById(dummy as never, 100),
);
await time('Kysely build + compile: list count + page (no database)', 2000, () =>
  listPosts(dummy as never, options),
);
await time('zod postPageOutput.parse (20 posts)', 3000, () => postPageOutput.parse(page));
await time('JSON.stringify (REST body)', 5000, () => JSON.stringify(page));
await time('superjson.stringify (tRPC body)', 3000, () => superjson.stringify(page));
