import { randomBytes } from 'node:crypto';
import slugify from 'slugify';

/** Lowercase ASCII letters, digits and single hyphens; `fallback` when nothing is left (e.g. "日本"). */
export function slugBase(text: string, fallback: string, maxLength: number): string {
  const slug = slugify(text, { lower: true, strict: true, trim: true })
    .replace(/-+/g, '-')
    .slice(0, maxLength)
    .replace(/^-+|-+$/g, '');
  return slug === '' ? fallback : slug;
}

/** A post slug: slugified title + `-` + 6 random hex characters. Made once; titles may change later. */
export function postSlug(title: string): string {
  return `${slugBase(title, 'post', 200)}-${randomBytes(3).toString('hex')}`;
}

/** A user slug: slugified username + `-` + 8 hex; stable when the username changes later. */
export function userSlug(username: string): string {
  // Username punctuation (`_ . @ +`) separates words, as a space would.
  return `${slugBase(username.replace(/[_.@+]+/g, ' '), 'user', 150)}-${randomBytes(4).toString('hex')}`;
}

/** The base of a category slug (before any `-2`, `-3`… suffix). */
export function categorySlugBase(name: string): string {
  return slugBase(name, 'category', 100);
}

/** The first free slug among `base`, `base-2`, `base-3`… given the slugs already taken. */
export function firstFreeSlug(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) {
    const candidate = `${base}-${n}`;
    if (!taken.has(candidate)) return candidate;
  }
}
