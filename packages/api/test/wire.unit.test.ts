import superjson from 'superjson';
import { describe, expect, it } from 'vitest';
import { serializeOutput } from '../src/shared/wire.ts';

/** What a client on superjson reads back: the fast writer must give exactly what superjson's gives. */
const roundTrip = (value: unknown) => superjson.deserialize(serializeOutput(value));
const viaSuperjson = (value: unknown) => superjson.deserialize(superjson.serialize(value));

const post = (i: number) => ({
  id: i,
  title: `Post ${i}`,
  excerpt: 'words',
  tags: ['a', 'b'],
  author: { id: 7, username: 'ann', slug: 'ann' },
  categories: [{ id: 1, name: 'One', slug: 'one' }],
  thumbnail: null,
  is_published: i % 2 === 0,
  published_at: i % 2 === 0 ? new Date(Date.UTC(2026, 0, i + 1, 12, 0, 0, 123)) : null,
  publish_at: undefined,
  created_at: new Date(Date.UTC(2025, 11, 31)),
  updated_at: new Date(1_767_225_600_000 + i),
});

describe('typed-door output writer (superjson wire format)', () => {
  it('writes a page of posts as superjson reads it, Dates and undefined included', () => {
    const page = {
      count: 3,
      next: null,
      previous: 'http://x/api/posts/?page=1',
      next_cursor: null,
      results: [0, 1, 2].map(post),
    };
    const written = serializeOutput(page);
    expect(written.meta?.values).toMatchObject({
      'results.0.created_at': ['Date'],
      'results.1.publish_at': ['undefined'],
    });
    expect(roundTrip(page)).toEqual(viaSuperjson(page));
    const back = roundTrip(page) as typeof page;
    expect(back.results[0]?.published_at).toBeInstanceOf(Date);
    expect(back.results[0]?.published_at?.toISOString()).toBe('2026-01-01T12:00:00.123Z');
    expect('publish_at' in (back.results[1] ?? {})).toBe(true);
    // Nothing to annotate: no meta at all, as superjson writes it.
    expect(serializeOutput({ ok: true, list: [1, 'two', null] })).toEqual(
      superjson.serialize({ ok: true, list: [1, 'two', null] }),
    );
  });

  it('leaves whatever it does not know to superjson itself', () => {
    const odd: unknown[] = [
      new Date(0),
      undefined,
      { n: Number.NaN },
      { n: -0 },
      { big: 10n },
      { m: new Map([['a', 1]]) },
      { s: new Set([1]) },
      { 'dotted.key': new Date(5) },
      { re: /x/g },
      { bad: new Date(Number.NaN) },
      [new Date(1), [new Date(2)]],
      Object.assign(Object.create(null), { a: new Date(3) }),
    ];
    for (const [i, value] of odd.entries()) {
      expect(roundTrip(value), `case ${i}`).toEqual(viaSuperjson(value));
    }
  });
});
