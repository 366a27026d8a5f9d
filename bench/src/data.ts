/**
 * The bench data set, generated from a fixed seed: the same `--posts N` always yields the same
 * users, categories, posts, slugs and dates, on PostgreSQL and on PGlite.
 */
import { slugBase } from '@lectern/api';

/** sfc32: a small, fast, well-distributed 32-bit PRNG; every draw in the data set goes through one. */
export class Prng {
  #a: number;
  #b: number;
  #c: number;
  #d: number;

  constructor(seed: number) {
    this.#a = 0x9e3779b9;
    this.#b = 0x243f6a88;
    this.#c = 0xb7e15162;
    this.#d = seed >>> 0;
    for (let i = 0; i < 15; i++) this.next();
  }

  /** Uniform in [0, 1). */
  next(): number {
    const a = this.#a;
    const b = this.#b;
    const c = this.#c;
    const d = this.#d;
    const t = (((a + b) | 0) + d) | 0;
    this.#d = (d + 1) | 0;
    this.#a = b ^ (b >>> 9);
    this.#b = (c + (c << 3)) | 0;
    this.#c = (((c << 21) | (c >>> 11)) + t) | 0;
    return (t >>> 0) / 4294967296;
  }

  /** Integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)] as T;
  }

  hex(chars: number): string {
    let out = '';
    for (let i = 0; i < chars; i++) out += Math.floor(this.next() * 16).toString(16);
    return out;
  }
}

export const SEED = 20_261_101;
/** created_at spans the two years before this instant (fixed, so the data set does not depend on today). */
export const DATE_ANCHOR = Date.UTC(2026, 10, 1);
const TWO_YEARS_MS = 730 * 86_400_000;

export const USER_COUNT = 1000;
/** Users 1..STAFF_COUNT are staff; the others are regular authors and readers. */
export const STAFF_COUNT = 5;
export const BENCH_PASSWORD = 'Lectern-bench-passphrase-2026';
export const benchEmail = (i: number) => `reader${String(i).padStart(4, '0')}@bench.lectern.test`;

/*
 * Vocabulary: content words (no English stop words, so every word survives to_tsvector), drawn with a
 * Zipf-like weight, so a few words are in almost every post and most are rare, as in real text.
 */
const VOCABULARY = `
system data design user server network code product team people project market process model value
service world research language history science energy music health water community education policy
software library release feature update version support problem result question answer practice
garden kitchen recipe travel city mountain river ocean forest island winter summer spring autumn
morning evening weekend holiday family friend teacher student doctor writer artist engineer manager
camera picture story novel poem movie theatre concert festival museum gallery painting sculpture
bridge tower street station airport harbour village country planet galaxy telescope satellite rocket
engine battery circuit sensor signal antenna protocol packet router switch cable fiber wireless radio
database index query table column schema cluster replica backup storage memory cache thread process
compiler parser runtime kernel driver module package plugin framework pattern interface contract
budget invoice payment contract customer supplier partner investor startup company industry economy
coffee bread cheese apple orange tomato potato pepper garlic onion butter honey salt sugar spice
football tennis cycling running swimming climbing sailing skiing hiking chess puzzle game match
election council minister parliament court justice treaty border embassy citizen vote campaign
climate weather storm flood drought harvest farm orchard vineyard cattle fishing timber mining
chapter article journal archive letter diary essay review interview lecture seminar workshop course
hospital clinic vaccine therapy nurse patient surgery medicine diet exercise sleep stress balance
window door garden roof floor wall stair kitchen bedroom office desk chair lamp shelf mirror clock
silver golden copper iron glass stone marble granite timber concrete plastic paper cotton wool silk
quiet bright gentle rapid ancient modern simple complex careful honest strange familiar distant
measure compare improve explain discover build launch repair deliver collect organize publish share
open source cloud edge mobile desktop browser website platform network security privacy identity
`
  .trim()
  .split(/\s+/);
/** The long tail: 27,000 made-up words (three syllables each), as rare words are in real text. */
const SYLLABLES =
  'ka lo mi ren tor vel dan sil mer qui bra sto fen gal hor jin lun nor pra ser tam ul vin wex yor zen cal dor eth fir'.split(
    ' ',
  );
const TAIL = SYLLABLES.flatMap((a) => SYLLABLES.flatMap((b) => SYLLABLES.map((c) => `${a}${b}${c}`)));
const WORDS = [...new Set([...VOCABULARY, ...TAIL])];
const ZIPF_CDF = (() => {
  const weights = WORDS.map((_, i) => 1 / (i + 1));
  const total = weights.reduce((a, b) => a + b, 0);
  let acc = 0;
  return weights.map((w) => {
    acc += w / total;
    return acc;
  });
})();

function word(rng: Prng): string {
  const u = rng.next();
  let lo = 0;
  let hi = ZIPF_CDF.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((ZIPF_CDF[mid] ?? 1) < u) lo = mid + 1;
    else hi = mid;
  }
  return WORDS[lo] ?? 'data';
}

/**
 * The words of scenario (3): two common words (ranks 100 and 150 of the vocabulary, each in about a
 * fifth of the posts), so the search matches a few percent of the posts and has to rank them all.
 */
export const SEARCH_WORDS = [WORDS[100] ?? 'music', WORDS[150] ?? 'answer'] as const;

export const CATEGORY_NAMES = [
  'Technology',
  'Science',
  'Travel',
  'Food & Drink',
  'Health',
  'Business',
  'Politics',
  'Culture',
  'Sports',
  'Music',
  'Books',
  'Film',
  'Design',
  'Education',
  'Environment',
  'History',
  'Home & Garden',
  'Opinion',
  'Software Engineering',
  'Photography',
] as const;

const TAGS = [
  'news',
  'howto',
  'guide',
  'review',
  'opinion',
  'tutorial',
  'release',
  'interview',
  'announcement',
  'deep-dive',
  'beginner',
  'advanced',
  'TypeScript',
  'PostgreSQL',
  'Node.js',
  'performance',
  'security',
  'open-source',
  'weekend',
  'recipe',
  'travel-tips',
  'budget',
  'family',
  'outdoors',
  'history',
  'science',
  'climate',
  'health',
  'fitness',
  'books',
  'music',
  'film',
  'art',
  'photography',
  'design',
  'startup',
  'career',
  'education',
  'local',
  'world',
];

export interface SeedUser {
  email: string;
  username: string;
  slug: string;
  is_staff: boolean;
}

export function users(rng: Prng): SeedUser[] {
  return Array.from({ length: USER_COUNT }, (_, n) => {
    const i = n + 1;
    const username = `reader_${String(i).padStart(4, '0')}`;
    return {
      email: benchEmail(i),
      username,
      // api.md: slugified username + `-` + 8 hex.
      slug: `${slugBase(username, 'user', 150)}-${rng.hex(8)}`,
      is_staff: i <= STAFF_COUNT,
    };
  });
}

export interface SeedCategory {
  name: string;
  slug: string;
  description: string;
}

export function categories(): SeedCategory[] {
  return CATEGORY_NAMES.map((name) => ({
    name,
    slug: slugBase(name, 'category', 100),
    description: `Posts about ${name.toLowerCase()}.`,
  }));
}

export interface SeedPost {
  author_id: number;
  title: string;
  slug: string;
  body: string;
  excerpt: string;
  /** Tags joined by `|` ('' for none): arrays of arrays do not pass through unnest. */
  tags: string;
  is_published: boolean;
  created_at: string;
  published_at: string | null;
  updated_at: string;
  /** Category ids (1..20). */
  categories: number[];
}

const capitalise = (w: string) => w.charAt(0).toUpperCase() + w.slice(1);

function sentence(rng: Prng, min: number, max: number, out: string[]): string {
  const n = rng.int(min, max);
  const words: string[] = [];
  for (let i = 0; i < n; i++) words.push(word(rng));
  out.push(...words);
  return `${capitalise(words.join(' '))}.`;
}

/** ~300 words of HTML (paragraphs, a heading, emphasis, a link, sometimes a list), and its plain words. */
function body(rng: Prng): { html: string; words: string[] } {
  const words: string[] = [];
  const parts: string[] = [];
  let count = 0;
  let paragraph = 0;
  while (count < 300) {
    paragraph++;
    if (paragraph === 3) {
      const heading: string[] = [];
      parts.push(`<h2>${sentence(rng, 3, 6, heading).slice(0, -1)}</h2>`);
      words.push(...heading);
      count += heading.length;
    }
    if (paragraph === 4 && rng.next() < 0.4) {
      const items: string[] = [];
      for (let i = 0; i < 3; i++) {
        const item: string[] = [];
        items.push(`<li>${sentence(rng, 3, 7, item)}</li>`);
        words.push(...item);
        count += item.length;
      }
      parts.push(`<ul>${items.join('')}</ul>`);
      continue;
    }
    const sentences: string[] = [];
    const sentenceCount = rng.int(3, 6);
    for (let s = 0; s < sentenceCount; s++) {
      const these: string[] = [];
      let text = sentence(rng, 8, 18, these);
      if (s === 1 && rng.next() < 0.5) {
        const [first, ...rest] = text.split(' ');
        text = `<strong>${first}</strong> ${rest.join(' ')}`;
      }
      if (s === 2 && rng.next() < 0.3) {
        const [first, ...rest] = text.split(' ');
        text = `<a href="https://example.com/${these[0] ?? 'x'}">${first}</a> ${rest.join(' ')}`;
      }
      sentences.push(text);
      words.push(...these);
      count += these.length;
    }
    parts.push(`<p>${sentences.join(' ')}</p>`);
  }
  return { html: parts.join('\n'), words };
}

/** api.md: the first 40 words of the text, `...` right after the 40th when longer. */
function excerptOf(words: string[], html: string): string {
  const text = html
    .replace(/<\/?(p|h2|ul|li)>/g, ' ')
    .replace(/<[^>]*>/g, '')
    .split(/\s+/)
    .filter(Boolean);
  return text.length > 40 ? `${text.slice(0, 40).join(' ')}...` : words.join(' ');
}

/**
 * Posts in chunks, in id order (1..total). Each post's draws come from a PRNG seeded by its index, so
 * a chunk can be generated without generating the ones before it and every size shares its prefix.
 */
export function postChunk(start: number, end: number, takenSlugs: Set<string>): SeedPost[] {
  const out: SeedPost[] = [];
  for (let i = start; i < end; i++) {
    const rng = new Prng(SEED ^ Math.imul(i + 1, 0x9e3779b1));
    const titleWords: string[] = [];
    const title = sentence(rng, 4, 9, titleWords).slice(0, -1);
    let slug = `${slugBase(title, 'post', 200)}-${rng.hex(6)}`;
    while (takenSlugs.has(slug)) slug = `${slugBase(title, 'post', 200)}-${rng.hex(6)}`;
    takenSlugs.add(slug);
    const { html, words } = body(rng);
    const tagCount = rng.int(0, 5);
    const tags = new Set<string>();
    for (let t = 0; t < tagCount; t++) tags.add(rng.pick(TAGS));
    const categoryCount = rng.int(1, 3);
    const cats = new Set<number>();
    while (cats.size < categoryCount) cats.add(rng.int(1, CATEGORY_NAMES.length));
    const created = DATE_ANCHOR - Math.floor(rng.next() * TWO_YEARS_MS);
    const published = rng.next() < 0.8;
    const publishedAt = published ? created + Math.floor(rng.next() * 3 * 86_400_000) : null;
    const updated = Math.max(created, publishedAt ?? created) + Math.floor(rng.next() * 86_400_000);
    out.push({
      author_id: rng.int(1, USER_COUNT),
      title,
      slug,
      body: html,
      excerpt: excerptOf(words, html),
      tags: [...tags].join('|'),
      is_published: published,
      created_at: new Date(created).toISOString(),
      published_at: publishedAt === null ? null : new Date(publishedAt).toISOString(),
      updated_at: new Date(updated).toISOString(),
      categories: [...cats].sort((a, b) => a - b),
    });
  }
  return out;
}
