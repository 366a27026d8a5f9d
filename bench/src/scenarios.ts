/** The scenarios of the benchmarks issue: what each one requests, and the fixtures they need. */
import { slugBase } from '@lectern/api';
import { createLecternClient } from '@lectern/sdk';
import { BENCH_PASSWORD, benchEmail, CATEGORY_NAMES, SEARCH_WORDS, STAFF_COUNT, USER_COUNT } from './data.ts';
import type { LoadSpec } from './load.ts';
import { type ServerProcess, SQL_STATEMENTS_HEADER } from './processes.ts';

export type ScenarioId = 'floor' | 's1' | 's1-etag' | 's2' | 's2k' | 's3' | 's4' | 's5' | 's6' | 's7';

export const TITLES: Record<ScenarioId, string> = {
  floor: 'floor: bare pg route, list page 1 + exact count (1 statement)',
  s1: '(1) REST list, published, page 1, size 20',
  's1-etag': '(1) with If-None-Match (revalidating client, 304s)',
  s2: '(2) REST list, category + -published_at, page 200',
  s2k: '(2k) as (2), the same page reached by cursor (keyset)',
  s3: '(3) REST search, two common words, page 1',
  s4: '(4) REST get one post by slug (1,000 slugs in turn)',
  s5: '(5) REST categories list',
  s6: '(6) tRPC list (SDK wire format), as (1)',
  s7: '(7) login, argon2id (1,000 users in turn)',
};

/** What the scenarios need from a seeded, running server. */
export interface Fixtures {
  token: string;
  categorySlug: string;
  deepPage: number;
  /** The `next_cursor` of the page before `deepPage` in scenario (2)'s list. */
  deepCursor: string;
  postSlugs: string[];
  trpcListPath: string;
}

export const NO_FIXTURES: Fixtures = {
  token: '',
  categorySlug: '',
  deepPage: 1,
  deepCursor: '',
  postSlugs: [],
  trpcListPath: '',
};

/** A scenario's requests, without the load settings (URL, durations, connections). */
export type ScenarioRequests = Omit<
  LoadSpec,
  'url' | 'warmupSeconds' | 'durationSeconds' | 'runs' | 'connections'
>;

export const LIST_PATH = '/api/posts/?is_published=true&page_size=20';

export function spec(id: ScenarioId, f: Fixtures): ScenarioRequests {
  const auth = { authorization: `Bearer ${f.token}` };
  const search = encodeURIComponent(SEARCH_WORDS.join(' '));
  const common = { method: 'GET' as const, headers: auth, statementsHeader: SQL_STATEMENTS_HEADER };
  switch (id) {
    case 'floor':
      return { method: 'GET', headers: {}, paths: [LIST_PATH] };
    case 's1':
      return { ...common, paths: [LIST_PATH] };
    case 's1-etag':
      return { ...common, paths: [LIST_PATH], revalidate: true };
    case 's2':
      return {
        ...common,
        paths: [`/api/posts/?categories=${f.categorySlug}&ordering=-published_at&page=${f.deepPage}`],
      };
    case 's2k':
      return {
        ...common,
        paths: [
          `/api/posts/?categories=${f.categorySlug}&ordering=-published_at&cursor=${encodeURIComponent(f.deepCursor)}`,
        ],
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
        bodies: Array.from({ length: USER_COUNT }, (_, i) => loginBody(i + 1)),
      };
  }
}

/** The JSON body that logs bench user `userNumber` in. */
export const loginBody = (userNumber: number) =>
  JSON.stringify({ email: benchEmail(userNumber), password: BENCH_PASSWORD });

export interface Tokens {
  access: string;
  refresh: string;
}

export async function login(server: ServerProcess, userNumber: number): Promise<Tokens> {
  const res = await fetch(`${server.url}/api/users/login/`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: loginBody(userNumber),
  });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${await res.text()}`);
  return (await res.json()) as Tokens;
}

/** The reader the scenarios run as: a regular (non-staff) user. */
export const READER = STAFF_COUNT + 95;

/** Runs one SQL statement against the data set's database (PGlite: none, the API gives fixtures). */
export type Query = (text: string, params: unknown[]) => Promise<Array<Record<string, unknown>>>;

export async function fixtures(server: ServerProcess, query: Query): Promise<Fixtures> {
  const { access: token } = await login(server, READER);
  const categorySlug = slugBase(CATEGORY_NAMES[0], 'category', 100);
  const [visible] = await query(
    `SELECT count(*)::int AS n FROM posts p JOIN post_categories pc ON pc.post_id = p.id
     JOIN categories c ON c.id = pc.category_id JOIN users u ON u.email = $2
     WHERE c.slug = $1 AND NOT p.is_deleted AND (p.is_published OR p.author_id = u.id)`,
    [categorySlug, benchEmail(READER)],
  );
  const deepPage = Math.max(1, Math.min(200, Math.floor(Number(visible?.n ?? 0) / 20)));
  // The cursor that leads to the deep page: the next_cursor of the page before it (none for page 1).
  let deepCursor = '';
  if (deepPage > 1) {
    const before = await fetch(
      `${server.url}/api/posts/?categories=${categorySlug}&ordering=-published_at&page=${deepPage - 1}`,
      { headers: { authorization: `Bearer ${token}` } },
    );
    if (before.status !== 200) throw new Error(`deep page fixture: ${before.status} ${await before.text()}`);
    deepCursor = String(((await before.json()) as { next_cursor: string | null }).next_cursor ?? '');
  }
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
  return {
    token,
    categorySlug,
    deepPage,
    deepCursor,
    postSlugs: slugs.map((r) => String(r.slug)),
    trpcListPath,
  };
}
