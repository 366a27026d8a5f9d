/**
 * Post revisions through the procedures (createCaller) on both databases: what each write records,
 * that a revision and its change commit together or not at all, restore, trimming, and who may see them.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthUser } from '../src/context.ts';
import { LecternError } from '../src/errors.ts';
import { openProcedures, type Procedures } from './caller.ts';

const codeOf = async (work: () => Promise<unknown>): Promise<string> => {
  try {
    await work();
    return 'ok';
  } catch (error) {
    if (error instanceof LecternError) return error.machineCode;
    return `unexpected: ${String(error)}`;
  }
};

describe('post revisions', () => {
  let p: Procedures;
  let author: AuthUser;
  let other: AuthUser;
  let staff: AuthUser;
  let categoryIds: number[];

  const revisionRows = (postId: number) =>
    p.testDb.db
      .selectFrom('post_revisions')
      .select(['id', 'kind', 'title', 'body', 'created_by', 'restored_from'])
      .where('post_id', '=', postId)
      .orderBy('id')
      .execute();

  beforeAll(async () => {
    p = await openProcedures();
    author = await p.user();
    other = await p.user();
    staff = await p.user({ is_staff: true });
    const rows = await p.testDb.db
      .insertInto('categories')
      .values([
        { name: 'Rev Alpha', slug: 'rev-alpha' },
        { name: 'Rev Beta', slug: 'rev-beta' },
      ])
      .returning('id')
      .execute();
    categoryIds = rows.map((row) => row.id);
  });
  afterAll(async () => {
    await p?.close();
  });

  it('records the state each write leaves, with who and when; an update that changes nothing adds none', async () => {
    const post = await p.as(author).posts.create({
      title: 'First title',
      body: '<p>first body</p>',
      tags: ['a'],
      categories: categoryIds,
    });
    await p.as(staff).posts.update({ slug: post.slug, title: 'Second title', body: '<p>second body</p>' });
    // Sent back unchanged, and a schedule change alone: no new revision.
    await p.as(author).posts.update({ slug: post.slug, title: 'Second title', tags: ['a'] });
    await p.as(author).posts.update({ slug: post.slug, publish_at: new Date(Date.now() + 3_600_000) });

    const page = await p.as(author).posts.revisions.list({ slug: post.slug });
    expect(page.count).toBe(2);
    const [newest, oldest] = page.results;
    expect(newest).toMatchObject({
      kind: 'update',
      title: 'Second title',
      excerpt: 'second body',
      created_by: { id: staff.id, username: staff.username, slug: staff.slug },
      restored_from: null,
    });
    expect(oldest).toMatchObject({
      kind: 'create',
      title: 'First title',
      tags: ['a'],
      is_published: false,
      created_by: { id: author.id },
      categories: [
        { id: categoryIds[0], name: 'Rev Alpha', slug: 'rev-alpha' },
        { id: categoryIds[1], name: 'Rev Beta', slug: 'rev-beta' },
      ],
    });
    expect(newest?.created_at.getTime()).toBeGreaterThanOrEqual(oldest?.created_at.getTime() ?? Infinity);
    expect(newest).not.toHaveProperty('body');

    const full = await p.as(author).posts.revisions.get({ slug: post.slug, id: oldest?.id ?? 0 });
    expect(full.body).toBe('<p>first body</p>');
    // REST sends the path id as text; the typed door's declared type is a number.
    const asText = String(newest?.id) as unknown as number;
    const viaText = await p.as(author).posts.revisions.get({ slug: post.slug, id: asText });
    expect(viaText.body).toBe('<p>second body</p>');
  });

  it('pages newest first with links to the REST path; unknown ids and pages past the end are 404', async () => {
    const post = await p.as(author).posts.create({ title: 'Paged 0' });
    for (let i = 1; i <= 4; i++) await p.as(author).posts.update({ slug: post.slug, title: `Paged ${i}` });
    const first = await p.as(author).posts.revisions.list({ slug: post.slug, page_size: 2 });
    expect(first.count).toBe(5);
    expect(first.results.map((r) => r.title)).toEqual(['Paged 4', 'Paged 3']);
    expect(first.next).toBe(`http://lectern.test/api/posts/${post.slug}/revisions/?page_size=2&page=2`);
    const last = await p.as(author).posts.revisions.list({ slug: post.slug, page_size: 2, page: 3 });
    expect(last.results.map((r) => r.title)).toEqual(['Paged 0']);
    expect(last.next).toBeNull();
    expect(await codeOf(() => p.as(author).posts.revisions.list({ slug: post.slug, page: 4 }))).toBe(
      'NOT_FOUND',
    );
    const notAnId = 'abc' as unknown as number;
    expect(await codeOf(() => p.as(author).posts.revisions.get({ slug: post.slug, id: notAnId }))).toBe(
      'NOT_FOUND',
    );
    const otherPost = await p.as(author).posts.create({ title: 'Another' });
    const foreign = (await p.as(author).posts.revisions.list({ slug: otherPost.slug })).results[0];
    expect(
      await codeOf(() => p.as(author).posts.revisions.get({ slug: post.slug, id: foreign?.id ?? 0 })),
      "another post's revision",
    ).toBe('NOT_FOUND');
  });

  it('the author and staff see them; others get 403 on published posts and 404 on drafts', async () => {
    const published = await p.as(author).posts.create({ title: 'Open', is_published: true });
    const draft = await p.as(author).posts.create({ title: 'Closed' });
    const key = { id: 1, name: 'frontend' };
    const id = (await p.as(author).posts.revisions.list({ slug: published.slug })).results[0]?.id ?? 0;
    const cases: Array<[string, () => Promise<unknown>, string]> = [
      ['author', () => p.as(author).posts.revisions.list({ slug: draft.slug }), 'ok'],
      ['staff', () => p.as(staff).posts.revisions.list({ slug: draft.slug }), 'ok'],
      [
        'other, published',
        () => p.as(other).posts.revisions.list({ slug: published.slug }),
        'PERMISSION_DENIED',
      ],
      [
        'other, get',
        () => p.as(other).posts.revisions.get({ slug: published.slug, id }),
        'PERMISSION_DENIED',
      ],
      ['other, draft', () => p.as(other).posts.revisions.list({ slug: draft.slug }), 'NOT_FOUND'],
      [
        'other, restore',
        () => p.as(other).posts.revisions.restore({ slug: published.slug, id }),
        'PERMISSION_DENIED',
      ],
      ['anonymous', () => p.as(null).posts.revisions.list({ slug: published.slug }), 'NOT_AUTHENTICATED'],
      ['content key', () => p.asKey(key).posts.revisions.list({ slug: published.slug }), 'PERMISSION_DENIED'],
    ];
    for (const [who, call, expected] of cases) expect(await codeOf(call), who).toBe(expected);
    await p.as(author).posts.delete({ slug: draft.slug });
    expect(await codeOf(() => p.as(author).posts.revisions.list({ slug: draft.slug })), 'deleted').toBe(
      'NOT_FOUND',
    );
  });

  it('restores a revision as a new one: content, the categories that still exist, published state', async () => {
    const post = await p.as(author).posts.create({
      title: 'Original',
      body: '<p>original words</p>',
      excerpt: 'A custom excerpt',
      tags: ['x', 'y'],
      categories: categoryIds,
      is_published: true,
    });
    const created = (await p.as(author).posts.revisions.list({ slug: post.slug })).results[0];
    await p.as(author).posts.update({
      slug: post.slug,
      title: 'Rewritten',
      body: '<p>new words</p>',
      excerpt: '',
      tags: [],
      categories: [],
    });

    const restored = await p.as(staff).posts.revisions.restore({ slug: post.slug, id: created?.id ?? 0 });
    expect(restored).toMatchObject({
      slug: post.slug,
      title: 'Original',
      body: '<p>original words</p>',
      excerpt: 'A custom excerpt',
      tags: ['x', 'y'],
      categories: [{ id: categoryIds[0] }, { id: categoryIds[1] }],
      is_published: true,
      published_at: post.published_at,
    });
    // The restored excerpt is the custom one again: a body change keeps it.
    const edited = await p.as(author).posts.update({ slug: post.slug, body: '<p>other words</p>' });
    expect(edited.excerpt).toBe('A custom excerpt');

    const kinds = (await p.as(author).posts.revisions.list({ slug: post.slug })).results.map((r) => [
      r.kind,
      r.restored_from,
      r.created_by?.id,
    ]);
    expect(kinds).toEqual([
      ['update', null, author.id],
      ['restore', created?.id, staff.id],
      ['update', null, author.id],
      ['create', null, author.id],
    ]);

    // A category deleted since is left out; the others come back.
    await p.testDb.db
      .deleteFrom('categories')
      .where('id', '=', categoryIds[1] ?? 0)
      .execute();
    const again = await p.as(author).posts.revisions.restore({ slug: post.slug, id: created?.id ?? 0 });
    expect(again.categories.map((c) => c.id)).toEqual([categoryIds[0]]);
    expect(await codeOf(() => p.as(author).posts.revisions.restore({ slug: post.slug, id: 999_999 }))).toBe(
      'NOT_FOUND',
    );
  });

  it('restoring a published state publishes now and voids a pending schedule; a draft state keeps it', async () => {
    const post = await p.as(author).posts.create({ title: 'Was live', is_published: true });
    const live = (await p.as(author).posts.revisions.list({ slug: post.slug })).results[0];
    const at = new Date(Date.now() + 86_400_000);
    const scheduled = await p
      .as(author)
      .posts.update({ slug: post.slug, title: 'Next version', is_published: false, publish_at: at });
    expect(scheduled).toMatchObject({ is_published: false, publish_at: at });
    const draftState = (await p.as(author).posts.revisions.list({ slug: post.slug })).results[0];

    const keptSchedule = await p
      .as(author)
      .posts.revisions.restore({ slug: post.slug, id: draftState?.id ?? 0 });
    expect(keptSchedule).toMatchObject({ is_published: false, publish_at: at });
    const republished = await p.as(author).posts.revisions.restore({ slug: post.slug, id: live?.id ?? 0 });
    expect(republished).toMatchObject({ title: 'Was live', is_published: true, publish_at: null });
  });

  it('a change and its revision commit together: a failure at commit, or in the revision, leaves neither', async () => {
    const db = p.testDb.db;
    const post = await p.as(author).posts.create({ title: 'Atomic', body: '<p>one</p>' });
    const before = await revisionRows(post.id);
    expect(before).toHaveLength(1);

    // Fails at COMMIT, after the revision has been written inside the transaction.
    await sql`
      CREATE FUNCTION test_refuse_at_commit() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.title = 'refused at commit' THEN RAISE EXCEPTION 'refused at commit'; END IF;
        RETURN NULL;
      END $$`.execute(db);
    await sql`
      CREATE CONSTRAINT TRIGGER test_refuse_at_commit AFTER UPDATE ON posts
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION test_refuse_at_commit()`.execute(db);
    // The revision itself cannot be written.
    await sql`
      CREATE FUNCTION test_refuse_revision() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.title = 'no revision for this' THEN RAISE EXCEPTION 'revision refused'; END IF;
        RETURN NEW;
      END $$`.execute(db);
    await sql`
      CREATE TRIGGER test_refuse_revision BEFORE INSERT ON post_revisions
      FOR EACH ROW EXECUTE FUNCTION test_refuse_revision()`.execute(db);

    for (const title of ['refused at commit', 'no revision for this']) {
      await expect(
        p.as(author).posts.update({ slug: post.slug, title, body: '<p>two</p>' }),
      ).rejects.toThrow();
      expect(await revisionRows(post.id), title).toEqual(before);
      expect(await p.as(author).posts.get({ slug: post.slug })).toMatchObject({
        title: 'Atomic',
        body: '<p>one</p>',
      });
    }
    const created = p.as(author).posts.create({ title: 'no revision for this' });
    await expect(created).rejects.toThrow();
    expect(
      await db.selectFrom('posts').select('id').where('title', '=', 'no revision for this').execute(),
      'a create whose revision fails is not there either',
    ).toEqual([]);

    // The same update with an ordinary title goes through with its revision.
    await p.as(author).posts.update({ slug: post.slug, title: 'Atomic, changed' });
    expect((await revisionRows(post.id)).map((r) => r.title)).toEqual(['Atomic', 'Atomic, changed']);
    await sql`DROP TRIGGER test_refuse_at_commit ON posts`.execute(db);
    await sql`DROP TRIGGER test_refuse_revision ON post_revisions`.execute(db);
  });

  it('keeps the state of a post written before revisions existed as its initial revision', async () => {
    const oldTime = new Date('2026-01-02T03:04:05.000Z');
    const row = await p.testDb.db
      .insertInto('posts')
      .values({
        author_id: author.id,
        title: 'From before',
        slug: `from-before-${author.id}`,
        body: '<p>old body</p>',
        excerpt: 'old body',
        updated_at: oldTime,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    expect(await revisionRows(row.id)).toEqual([]);
    await p.as(author).posts.update({ slug: `from-before-${author.id}`, body: '<p>new body</p>' });
    const page = await p.as(author).posts.revisions.list({ slug: `from-before-${author.id}` });
    expect(page.results.map((r) => [r.kind, r.excerpt, r.created_by?.id ?? null])).toEqual([
      ['update', 'new body', author.id],
      ['initial', 'old body', null],
    ]);
    expect(page.results[1]?.created_at).toEqual(oldTime);
  });
});

describe('post revisions: trimming to REVISIONS_KEPT', () => {
  let p: Procedures;
  beforeAll(async () => {
    p = await openProcedures({ revisionsKept: 3 });
  });
  afterAll(async () => {
    await p?.close();
  });

  it('each write trims its post to the newest revisions, in the same transaction; other posts are untouched', async () => {
    const author = await p.user();
    const post = await p.as(author).posts.create({ title: 'Trim 0' });
    const neighbour = await p.as(author).posts.create({ title: 'Neighbour 0' });
    await p.as(author).posts.update({ slug: neighbour.slug, title: 'Neighbour 1' });
    for (let i = 1; i <= 6; i++) {
      await p.as(author).posts.update({ slug: post.slug, title: `Trim ${i}` });
      const titles = (await p.as(author).posts.revisions.list({ slug: post.slug })).results.map(
        (r) => r.title,
      );
      expect(titles, `after update ${i}`).toHaveLength(Math.min(i + 1, 3));
    }
    const titles = (await p.as(author).posts.revisions.list({ slug: post.slug })).results.map((r) => r.title);
    expect(titles).toEqual(['Trim 6', 'Trim 5', 'Trim 4']);
    const neighbours = await p.as(author).posts.revisions.list({ slug: neighbour.slug });
    expect(neighbours.results.map((r) => r.title)).toEqual(['Neighbour 1', 'Neighbour 0']);
    const total = await p.testDb.db
      .selectFrom('post_revisions')
      .select(sql<number>`count(*)::int`.as('n'))
      .where('post_id', '=', post.id)
      .executeTakeFirstOrThrow();
    expect(total.n).toBe(3);
  });
});
