/**
 * The content event log (migration 0033): every committed change to a post, a category or a gallery
 * file leaves exactly one event, written in the change's transaction, with who may see it.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthUser } from '../src/context.ts';
import { publishDuePosts } from '../src/posts/scheduler.ts';
import { openProcedures, type Procedures } from './caller.ts';

describe('content events', () => {
  let p: Procedures;
  let author: AuthUser;
  let staff: AuthUser;
  beforeAll(async () => {
    p = await openProcedures();
    author = await p.user();
    staff = await p.user({ is_staff: true });
  });
  afterAll(async () => {
    await p?.close();
  });

  /** The events recorded since `after` (an event id), oldest first. */
  const eventsAfter = async (after: number) =>
    p.testDb.db
      .selectFrom('content_events')
      .select(['id', 'type', 'slug', 'author_id', 'is_public'])
      .where('id', '>', after)
      .orderBy('id')
      .execute();
  const lastId = async () => {
    const row = await p.testDb.db
      .selectFrom('content_events')
      .select((eb) => eb.fn.max('id').as('max'))
      .executeTakeFirst();
    return Number(row?.max ?? 0);
  };
  const summary = (rows: Awaited<ReturnType<typeof eventsAfter>>) =>
    rows.map((row) => [row.type, row.slug, row.author_id, row.is_public]);

  it('records a post through its life: draft edits stay private, public changes are public', async () => {
    const start = await lastId();
    const as = p.as(author);
    const draft = await as.posts.create({ title: 'Event draft' });
    await as.posts.update({ slug: draft.slug, title: 'Event draft, edited' });
    await as.posts.update({ slug: draft.slug, is_published: true });
    await as.posts.update({ slug: draft.slug, body: '<p>changed</p>' });
    await as.posts.update({ slug: draft.slug, is_published: false });
    await as.posts.delete({ slug: draft.slug });
    await as.posts.restore({ slug: draft.slug });
    const live = await as.posts.create({ title: 'Event live', is_published: true });
    await as.posts.delete({ slug: live.slug });

    expect(summary(await eventsAfter(start))).toEqual([
      ['post.created', draft.slug, author.id, false],
      ['post.updated', draft.slug, author.id, false],
      ['post.published', draft.slug, author.id, true],
      ['post.updated', draft.slug, author.id, true],
      // Leaving the public site is news to those who saw it.
      ['post.unpublished', draft.slug, author.id, true],
      ['post.deleted', draft.slug, author.id, false],
      ['post.restored', draft.slug, author.id, false],
      ['post.created', live.slug, author.id, true],
      ['post.deleted', live.slug, author.id, true],
    ]);
  });

  it('records a revision restore by the change it makes, and a scheduled publication', async () => {
    const as = p.as(author);
    const post = await as.posts.create({ title: 'Revised', is_published: true });
    await as.posts.update({ slug: post.slug, is_published: false });
    const revisions = await as.posts.revisions.list({ slug: post.slug });
    const published = revisions.results.find((revision) => revision.kind === 'create');
    expect(published).toBeDefined();
    const start = await lastId();
    await as.posts.revisions.restore({ slug: post.slug, id: published?.id ?? 0 });
    expect(summary(await eventsAfter(start))).toEqual([['post.published', post.slug, author.id, true]]);

    const scheduled = await as.posts.create({
      title: 'Scheduled',
      publish_at: new Date(Date.now() + 60_000),
    });
    await p.testDb.db
      .updateTable('posts')
      .set({ publish_at: sql<Date>`now() - interval '1 second'` })
      .where('slug', '=', scheduled.slug)
      .execute();
    const beforePass = await lastId();
    await publishDuePosts({ db: p.testDb.db, storage: p.services.storage, revisionsKept: 50 });
    expect(summary(await eventsAfter(beforePass))).toEqual([
      ['post.published', scheduled.slug, author.id, true],
    ]);
  });

  it('records categories as public events, and nothing for a refused change', async () => {
    const start = await lastId();
    const as = p.as(staff);
    const category = await as.categories.create({ name: 'Event category' });
    await expect(as.categories.create({ name: 'event CATEGORY' })).rejects.toThrow();
    await as.categories.update({ slug: category.slug, name: 'Event category renamed' });
    await as.categories.delete({ slug: category.slug });
    await expect(as.categories.delete({ slug: category.slug })).rejects.toThrow();
    // A post update that fails inside its transaction (an unknown category) leaves no event either.
    const post = await p.as(author).posts.create({ title: 'Refused change' });
    await expect(p.as(author).posts.update({ slug: post.slug, categories: [999_999] })).rejects.toThrow();

    expect(summary(await eventsAfter(start))).toEqual([
      ['category.created', category.slug, null, true],
      ['category.updated', category.slug, null, true],
      ['category.deleted', category.slug, null, true],
      ['post.created', post.slug, author.id, false],
    ]);
  });
});
