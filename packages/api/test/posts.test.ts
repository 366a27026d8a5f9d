/**
 * Who may do what to a post, through the procedures themselves (createCaller): the access rules as a
 * table, each row run against a fresh published post and a fresh draft.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthUser } from '../src/context.ts';
import { LecternError } from '../src/errors.ts';
import { openProcedures, type Procedures } from './caller.ts';

type Who = 'author' | 'other' | 'staff' | 'anonymous';
type Outcome = 'ok' | 'NOT_FOUND' | 'PERMISSION_DENIED' | 'NOT_AUTHENTICATED';

const outcome = async (work: () => Promise<unknown>): Promise<Outcome> => {
  try {
    await work();
    return 'ok';
  } catch (error) {
    if (error instanceof LecternError) return error.machineCode as Outcome;
    throw error;
  }
};

describe('post access, procedure by procedure', () => {
  let p: Procedures;
  let people: Record<Exclude<Who, 'anonymous'>, AuthUser>;
  beforeAll(async () => {
    p = await openProcedures();
    people = { author: await p.user(), other: await p.user(), staff: await p.user({ is_staff: true }) };
  });
  afterAll(async () => {
    await p?.close();
  });

  const caller = (who: Who) => p.as(who === 'anonymous' ? null : people[who]);
  const newPost = (published: boolean) =>
    p
      .as(people.author)
      .posts.create({ title: `A ${published ? 'published' : 'draft'} post`, is_published: published });

  // [who, published?] → [get, update, delete]
  const rules: Array<[Who, boolean, Outcome, Outcome, Outcome]> = [
    ['author', true, 'ok', 'ok', 'ok'],
    ['author', false, 'ok', 'ok', 'ok'],
    ['other', true, 'ok', 'PERMISSION_DENIED', 'PERMISSION_DENIED'],
    ['other', false, 'NOT_FOUND', 'NOT_FOUND', 'NOT_FOUND'],
    ['staff', true, 'ok', 'ok', 'ok'],
    ['staff', false, 'ok', 'ok', 'ok'],
    ['anonymous', true, 'NOT_AUTHENTICATED', 'NOT_AUTHENTICATED', 'NOT_AUTHENTICATED'],
  ];

  it.each(rules)(
    '%s on a post published=%s: get %s, update %s, delete %s',
    async (who, published, get, update, del) => {
      const post = await newPost(published);
      const as = caller(who);
      expect(await outcome(() => as.posts.get({ slug: post.slug }))).toBe(get);
      expect(await outcome(() => as.posts.update({ slug: post.slug, title: 'Renamed' }))).toBe(update);
      expect(await outcome(() => as.posts.delete({ slug: post.slug }))).toBe(del);
    },
  );

  it('restores only deleted posts, for their author or staff, as drafts', async () => {
    const post = await newPost(true);
    expect(await outcome(() => caller('author').posts.restore({ slug: post.slug }))).toBe('NOT_FOUND');
    await caller('author').posts.delete({ slug: post.slug });
    expect(await outcome(() => caller('other').posts.restore({ slug: post.slug }))).toBe('NOT_FOUND');
    const restored = await caller('staff').posts.restore({ slug: post.slug });
    expect(restored).toMatchObject({ slug: post.slug, is_published: false });
  });

  it('lists take numbers for pages and booleans for filters; the trash is for staff', async () => {
    await newPost(true);
    const page = await caller('other').posts.list({ page: 1, page_size: 1, is_published: true });
    expect(page.results).toHaveLength(1);
    expect(page.next).toMatch(/^http:\/\/lectern\.test\/api\/posts\/\?.*page=2/);
    expect(await outcome(() => caller('other').posts.list({ page: 10_000 }))).toBe('NOT_FOUND');
    expect(await outcome(() => caller('other').posts.listTrash({ page: 1 }))).toBe('PERMISSION_DENIED');
    expect((await caller('staff').posts.listTrash({})).count).toBeGreaterThanOrEqual(0);
  });
});
