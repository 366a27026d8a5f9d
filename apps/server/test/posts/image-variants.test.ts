import { crc32, deflateSync } from 'node:zlib';
import { runImageVariantJobs, type Storage, type VariantWorkerOptions } from '@lectern/api';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { injectMultipart, keyOfUrl, mediaFiles } from '../content-helpers.ts';
import { bearer, createTestApp, insertUser, type TestApp } from '../helpers.ts';

type User = Awaited<ReturnType<typeof insertUser>>;
interface Variant {
  url: string;
  width: number;
  height: number;
  format: string;
}

/** The pixel limit of this file's app: 4 MP, so a real bomb stays cheap to make. */
const MAX_PIXELS = 4_000_000;

/**
 * A phone photo in miniature: 1400×1000 pixels stored sideways (EXIF orientation 6, displayed
 * 1000×1400), with an Artist tag and a GPS position in its EXIF.
 */
async function photo(colour = '#3366aa'): Promise<Buffer> {
  // Left half coloured, right half white: after the rotation the colour is at the top.
  const half = await sharp({ create: { width: 700, height: 1000, channels: 3, background: colour } })
    .png()
    .toBuffer();
  return sharp({ create: { width: 1400, height: 1000, channels: 3, background: '#ffffff' } })
    .composite([{ input: half, left: 0, top: 0 }])
    .jpeg()
    .withExif({
      IFD0: { Artist: 'lectern-secret' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '48/1 51/1 30/1' },
    })
    .withMetadata({ orientation: 6 })
    .toBuffer();
}

/** A PNG chunk with its length and CRC. */
function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A 200-byte PNG whose header claims 100000×100000 pixels (30 GB decoded). */
function pngBombHeader(): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(100_000, 0);
  ihdr.writeUInt32BE(100_000, 4);
  ihdr.writeUInt8(8, 8); // bit depth
  ihdr.writeUInt8(2, 9); // RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.alloc(64))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const GPS_IFD_POINTER_LE = Buffer.from([0x25, 0x88]);

describe('image variants of thumbnails and profile pictures', () => {
  let t: TestApp;
  let alice: User;
  let bob: User;
  let worker: VariantWorkerOptions;

  const runJobs = (opts: Partial<VariantWorkerOptions> = {}) => runImageVariantJobs({ ...worker, ...opts });
  const jobCount = async () =>
    (await t.testDb.db.selectFrom('image_variant_jobs').select('id').execute()).length;
  const variantRows = (originalKey: string) =>
    t.testDb.db.selectFrom('image_variants').selectAll().where('original_key', '=', originalKey).execute();
  const getPost = async (slug: string) => {
    const res = await t.app.inject({ url: `/api/posts/${slug}/`, headers: bearer(alice.token) });
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as { thumbnail: string | null; variants: Variant[]; slug: string };
  };
  const served = async (url: string) => {
    const res = await t.app.inject({ url: new URL(url).pathname });
    expect(res.statusCode, url).toBe(200);
    return res;
  };

  beforeAll(async () => {
    // Two revisions kept: a replaced thumbnail stays while the previous revision names it.
    t = await createTestApp({ IMAGE_MAX_PIXELS: String(MAX_PIXELS), REVISIONS_KEPT: '2' });
    worker = {
      db: t.testDb.db,
      storage: t.services.storage,
      maxPixels: MAX_PIXELS,
      leaseSeconds: 60,
      maxAttempts: 3,
    };
    alice = await insertUser(t.testDb);
    bob = await insertUser(t.testDb);
  });
  afterAll(async () => {
    await t.close();
  });

  it('strips EXIF (GPS) from a thumbnail on upload, applies its orientation, then makes WebP and JPEG variants below its width', async () => {
    const original = await photo();
    const input = await sharp(original).metadata();
    expect(input.orientation).toBe(6);
    expect(input.exif?.includes(GPS_IFD_POINTER_LE)).toBe(true);

    const res = await injectMultipart(t, 'POST', '/api/posts/', alice.token, [
      ['title', 'Holiday'],
      ['thumbnail', { data: original, filename: 'IMG_0001.jpg', type: 'image/jpeg' }],
    ]);
    expect(res.statusCode, res.body).toBe(201);
    const created = res.json();
    expect(created.variants).toEqual([]);
    const key = keyOfUrl(created.thumbnail);
    expect(key).toMatch(/\.jpg$/);

    // The original as served: upright (1000×1400), no EXIF at all, nothing of the secret left.
    const stored = (await served(created.thumbnail)).rawPayload;
    const storedMeta = await sharp(stored).metadata();
    expect([storedMeta.width, storedMeta.height]).toEqual([1000, 1400]);
    expect(storedMeta.exif).toBeUndefined();
    expect(storedMeta.orientation).toBeUndefined();
    expect(stored.includes(Buffer.from('lectern-secret'))).toBe(false);
    // The coloured half (the left of the stored pixels) is now on top. (stats() reads its input, so
    // the crops are rendered first.)
    const meanBlue = async (top: number) => {
      const crop = await sharp(stored).extract({ left: 0, top, width: 1000, height: 600 }).toBuffer();
      const stats = await sharp(crop).stats();
      return (stats.channels[2]?.mean ?? 0) - (stats.channels[0]?.mean ?? 0);
    };
    expect(await meanBlue(0)).toBeGreaterThan(100);
    expect(await meanBlue(800)).toBeLessThan(10);

    expect(await jobCount()).toBe(1);
    const outcomes = await runJobs();
    expect(outcomes).toEqual([expect.objectContaining({ kind: 'done', originalKey: key, variants: 4 })]);
    expect(await jobCount()).toBe(0);

    const post = await getPost(created.slug);
    expect(post.thumbnail).toBe(created.thumbnail);
    expect(post.variants.map((v) => [v.width, v.height, v.format])).toEqual([
      [320, 448, 'webp'],
      [320, 448, 'jpeg'],
      [640, 896, 'webp'],
      [640, 896, 'jpeg'],
    ]);
    const files = await mediaFiles(t);
    for (const variant of post.variants) {
      const variantKey = keyOfUrl(variant.url);
      expect(variantKey).toBe(
        key.replace(/\.jpg$/, `-${variant.width}w.${variant.format === 'jpeg' ? 'jpg' : 'webp'}`),
      );
      expect(files).toContain(variantKey);
      const body = (await served(variant.url)).rawPayload;
      const meta = await sharp(body).metadata();
      expect(meta.format).toBe(variant.format);
      expect([meta.width, meta.height]).toEqual([variant.width, variant.height]);
      expect(meta.exif).toBeUndefined();
      expect(body.includes(Buffer.from('lectern-secret'))).toBe(false);
    }
    // The list shows the same variants.
    const list = await t.app.inject({
      url: `/api/posts/?author=${alice.slug}`,
      headers: bearer(alice.token),
    });
    const listed = list.json().results.find((p: { slug: string }) => p.slug === created.slug);
    expect(listed.variants).toEqual(post.variants);
  });

  it('gives a profile picture variants too (PNG without metadata: kept byte for byte), on /users/me and the public profile; replacing and removing it delete them', async () => {
    const png = await sharp({ create: { width: 800, height: 500, channels: 3, background: '#884422' } })
      .png()
      .toBuffer();
    const set = await injectMultipart(t, 'PATCH', `/api/users/${bob.slug}/`, bob.token, [
      ['profile_pic', { data: png, filename: 'me.png', type: 'image/png' }],
    ]);
    expect(set.statusCode, set.body).toBe(200);
    expect(set.json().variants).toEqual([]);
    const firstKey = keyOfUrl(set.json().profile_pic);
    expect((await served(set.json().profile_pic)).rawPayload.equals(png)).toBe(true);

    await runJobs();
    const me = await t.app.inject({ url: '/api/users/me/', headers: bearer(bob.token) });
    expect(me.json().variants.map((v: Variant) => [v.width, v.height, v.format])).toEqual([
      [320, 200, 'webp'],
      [320, 200, 'png'],
      [640, 400, 'webp'],
      [640, 400, 'png'],
    ]);
    const publicView = await t.app.inject({ url: `/api/users/${bob.slug}/`, headers: bearer(alice.token) });
    expect(publicView.json().email).toBeUndefined();
    expect(publicView.json().variants).toEqual(me.json().variants);
    const firstVariantKeys = (me.json().variants as Variant[]).map((v) => keyOfUrl(v.url));
    for (const url of me.json().variants.map((v: Variant) => v.url)) await served(url);

    // Replaced: the old original, its variant files and rows go; the new picture waits for the worker.
    const replaced = await injectMultipart(t, 'PATCH', `/api/users/${bob.slug}/`, bob.token, [
      ['profile_pic', { data: await photo('#22aa44'), filename: 'new.jpg', type: 'image/jpeg' }],
    ]);
    expect(replaced.statusCode, replaced.body).toBe(200);
    expect(replaced.json().variants).toEqual([]);
    const files = await mediaFiles(t);
    for (const gone of [firstKey, ...firstVariantKeys]) expect(files).not.toContain(gone);
    expect(await variantRows(firstKey)).toEqual([]);
    const secondKey = keyOfUrl(replaced.json().profile_pic);
    await runJobs();
    const secondVariants = await variantRows(secondKey);
    expect(secondVariants).toHaveLength(4);

    // Removed: the picture and its variants.
    const removed = await injectMultipart(t, 'PATCH', `/api/users/${bob.slug}/`, bob.token, [
      ['profile_pic', ''],
    ]);
    expect(removed.statusCode, removed.body).toBe(200);
    expect(removed.json()).toMatchObject({ profile_pic: null, variants: [] });
    const after = await mediaFiles(t);
    for (const gone of [secondKey, ...secondVariants.map((v) => v.key)]) expect(after).not.toContain(gone);
    expect(await variantRows(secondKey)).toEqual([]);
  });

  it("deletes a deleted account's picture with its variants, and drops a job still waiting for it", async () => {
    const carol = await insertUser(t.testDb);
    const set = await injectMultipart(t, 'PATCH', `/api/users/${carol.slug}/`, carol.token, [
      ['profile_pic', { data: await photo('#aa2266'), filename: 'c.jpg', type: 'image/jpeg' }],
    ]);
    expect(set.statusCode, set.body).toBe(200);
    const key = keyOfUrl(set.json().profile_pic);
    await runJobs();
    const variants = await variantRows(key);
    expect(variants.length).toBeGreaterThan(0);
    // A second account whose job has not run yet.
    const dave = await insertUser(t.testDb);
    const pending = await injectMultipart(t, 'PATCH', `/api/users/${dave.slug}/`, dave.token, [
      ['profile_pic', { data: await photo('#66aa22'), filename: 'd.jpg', type: 'image/jpeg' }],
    ]);
    expect(pending.statusCode, pending.body).toBe(200);
    const pendingKey = keyOfUrl(pending.json().profile_pic);

    for (const user of [carol, dave]) {
      const deleted = await t.app.inject({
        method: 'DELETE',
        url: `/api/users/${user.slug}/`,
        headers: bearer(user.token),
      });
      expect(deleted.statusCode, deleted.body).toBe(204);
    }
    const files = await mediaFiles(t);
    for (const gone of [key, pendingKey, ...variants.map((v) => v.key)]) expect(files).not.toContain(gone);
    expect(await variantRows(key)).toEqual([]);
    const jobs = await t.testDb.db
      .selectFrom('image_variant_jobs')
      .select('original_key')
      .where('original_key', '=', pendingKey)
      .execute();
    expect(jobs).toEqual([]);
  });

  it('never upscales: a picture narrower than 320 px has no variants', async () => {
    const small = await sharp({ create: { width: 300, height: 200, channels: 3, background: '#000' } })
      .webp()
      .toBuffer();
    const res = await injectMultipart(t, 'POST', '/api/posts/', alice.token, [
      ['title', 'Tiny'],
      ['thumbnail', { data: small, filename: 'tiny.webp', type: 'image/webp' }],
    ]);
    expect(res.statusCode, res.body).toBe(201);
    const outcomes = await runJobs();
    expect(outcomes).toEqual([expect.objectContaining({ kind: 'done', variants: 0 })]);
    expect((await getPost(res.json().slug)).variants).toEqual([]);
    expect(await jobCount()).toBe(0);
  });

  it('keeps an animated GIF animated in both of its variant formats', async () => {
    const frames = await Promise.all(
      ['#f00', '#0f0', '#00f'].map((background) =>
        sharp({ create: { width: 400, height: 300, channels: 3, background } })
          .png()
          .toBuffer(),
      ),
    );
    const gif = await sharp(frames, { join: { animated: true } })
      .gif()
      .toBuffer();
    const res = await injectMultipart(t, 'POST', '/api/posts/', alice.token, [
      ['title', 'Animated'],
      ['thumbnail', { data: gif, filename: 'a.gif', type: 'image/gif' }],
    ]);
    expect(res.statusCode, res.body).toBe(201);
    await runJobs();
    const { variants } = await getPost(res.json().slug);
    expect(variants.map((v) => [v.width, v.height, v.format])).toEqual([
      [320, 240, 'webp'],
      [320, 240, 'gif'],
    ]);
    for (const variant of variants) {
      const meta = await sharp((await served(variant.url)).rawPayload, { animated: true }).metadata();
      expect([meta.pages, meta.pageHeight]).toEqual([3, 240]);
    }
  });

  it('refuses decompression bombs with 413 IMAGE_TOO_LARGE and stores nothing', async () => {
    // A real one: 2500×2000 white pixels (5 MP over the 4 MP limit) in a 19 kB PNG.
    const real = await sharp({ create: { width: 2500, height: 2000, channels: 3, background: '#fff' } })
      .png()
      .toBuffer();
    expect(real.length).toBeLessThan(50_000);
    const before = await mediaFiles(t);
    for (const [name, data] of [
      ['header.png', pngBombHeader()],
      ['real.png', real],
    ] as const) {
      const post = await injectMultipart(t, 'POST', '/api/posts/', alice.token, [
        ['title', `Bomb ${name}`],
        ['thumbnail', { data, filename: name, type: 'image/png' }],
      ]);
      expect(post.statusCode, post.body).toBe(413);
      expect(post.json()).toEqual({ detail: expect.stringContaining('pixels'), code: 'IMAGE_TOO_LARGE' });
      const picture = await injectMultipart(t, 'PATCH', `/api/users/${alice.slug}/`, alice.token, [
        ['profile_pic', { data, filename: name, type: 'image/png' }],
      ]);
      expect(picture.statusCode, picture.body).toBe(413);
      expect(picture.json().code).toBe('IMAGE_TOO_LARGE');
    }
    expect(await mediaFiles(t)).toEqual(before);
    expect(await jobCount()).toBe(0);
    const posts = await t.testDb.db
      .selectFrom('posts')
      .select('id')
      .where('title', 'like', 'Bomb%')
      .execute();
    expect(posts).toEqual([]);
  });

  it('refuses corrupt images whose first bytes are right with 415 CORRUPT_IMAGE and stores nothing', async () => {
    const jpeg = await photo();
    const truncated = jpeg.subarray(0, Math.floor(jpeg.length * 0.6));
    const garbledPng = Buffer.concat([
      pngBombHeader().subarray(0, 8),
      Buffer.from('not really a png at all'),
    ]);
    const before = await mediaFiles(t);
    for (const [name, data, type] of [
      ['cut.jpg', truncated, 'image/jpeg'],
      ['garbled.png', garbledPng, 'image/png'],
    ] as const) {
      const post = await injectMultipart(t, 'POST', '/api/posts/', alice.token, [
        ['title', `Corrupt ${name}`],
        ['thumbnail', { data, filename: name, type }],
      ]);
      expect(post.statusCode, `${name}: ${post.body}`).toBe(415);
      expect(post.json().code, name).toMatch(/^(CORRUPT_IMAGE|UNSUPPORTED_MEDIA_TYPE)$/);
      const picture = await injectMultipart(t, 'PATCH', `/api/users/${alice.slug}/`, alice.token, [
        ['profile_pic', { data, filename: name, type }],
      ]);
      expect(picture.statusCode, picture.body).toBe(415);
    }
    // The truncated JPEG passes the magic-byte check: only decoding it finds the damage.
    const cut = await injectMultipart(t, 'POST', '/api/posts/', alice.token, [
      ['title', 'Corrupt again'],
      ['thumbnail', { data: truncated, filename: 'cut.jpg', type: 'image/jpeg' }],
    ]);
    expect(cut.json()).toEqual({ detail: expect.any(String), code: 'CORRUPT_IMAGE' });
    expect(await mediaFiles(t)).toEqual(before);
    expect(await jobCount()).toBe(0);
  });

  it('keeps a replaced thumbnail and its variants while a revision names it, deletes both once none does, and a restore brings them back', async () => {
    const create = await injectMultipart(t, 'POST', '/api/posts/', alice.token, [
      ['title', 'Revised'],
      ['thumbnail', { data: await photo('#aa0000'), filename: 'a.jpg', type: 'image/jpeg' }],
    ]);
    const slug = create.json().slug;
    const keyA = keyOfUrl(create.json().thumbnail);
    await runJobs();
    const variantsA = (await variantRows(keyA)).map((v) => v.key);
    expect(variantsA).toHaveLength(4);

    const replaceWith = async (colour: string) => {
      const res = await injectMultipart(t, 'PATCH', `/api/posts/${slug}/`, alice.token, [
        ['thumbnail', { data: await photo(colour), filename: 'b.jpg', type: 'image/jpeg' }],
      ]);
      expect(res.statusCode, res.body).toBe(200);
      await runJobs();
      return keyOfUrl(res.json().thumbnail);
    };
    // B replaces A: the create revision still names A, so A and its variants stay.
    const keyB = await replaceWith('#00aa00');
    let files = await mediaFiles(t);
    for (const key of [keyA, ...variantsA]) expect(files).toContain(key);
    expect(await variantRows(keyA)).toHaveLength(4);

    // Restoring the create revision brings A back, with its variants.
    const revisions = await t.app.inject({
      url: `/api/posts/${slug}/revisions/`,
      headers: bearer(alice.token),
    });
    const createRevision = revisions.json().results.find((r: { kind: string }) => r.kind === 'create');
    const restored = await t.app.inject({
      method: 'POST',
      url: `/api/posts/${slug}/revisions/${createRevision.id}/restore/`,
      headers: bearer(alice.token),
    });
    expect(restored.statusCode, restored.body).toBe(200);
    expect(keyOfUrl(restored.json().thumbnail)).toBe(keyA);
    expect(
      restored
        .json()
        .variants.map((v: Variant) => keyOfUrl(v.url))
        .sort(),
    ).toEqual([...variantsA].sort());

    // Two more replacements push every revision naming A or B out (two kept): their files go.
    const variantsB = (await variantRows(keyB)).map((v) => v.key);
    await replaceWith('#0000aa');
    await replaceWith('#aaaa00');
    files = await mediaFiles(t);
    for (const key of [keyA, ...variantsA, keyB, ...variantsB]) expect(files).not.toContain(key);
    expect(await variantRows(keyA)).toEqual([]);
    expect(await variantRows(keyB)).toEqual([]);

    // Trashing the post keeps its picture and variants (the post can be restored from the trash).
    const post = await getPost(slug);
    expect(post.variants).toHaveLength(4);
    const trashed = await t.app.inject({
      method: 'DELETE',
      url: `/api/posts/${slug}/`,
      headers: bearer(alice.token),
    });
    expect(trashed.statusCode).toBe(204);
    files = await mediaFiles(t);
    for (const v of post.variants) expect(files).toContain(keyOfUrl(v.url));
  });

  it('leaves no variant behind when the picture is let go of while the worker renders it', async () => {
    const set = await injectMultipart(t, 'PATCH', `/api/users/${bob.slug}/`, bob.token, [
      ['profile_pic', { data: await photo(), filename: 'r.jpg', type: 'image/jpeg' }],
    ]);
    expect(set.statusCode, set.body).toBe(200);
    const key = keyOfUrl(set.json().profile_pic);
    let removedOnce = false;
    const racing: Storage = {
      url: (base, k) => t.services.storage.url(base, k),
      delete: (k) => t.services.storage.delete(k),
      read: (k, options) => t.services.storage.read(k, options),
      saveStream: (k, source, options) => t.services.storage.saveStream(k, source, options),
      async save(k, data) {
        if (!removedOnce) {
          removedOnce = true;
          // The user removes the picture between the render and the worker's commit.
          const removed = await t.app.inject({
            method: 'PATCH',
            url: `/api/users/${bob.slug}/`,
            payload: { profile_pic: null },
            headers: bearer(bob.token),
          });
          expect(removed.statusCode, removed.body).toBe(200);
        }
        await t.services.storage.save(k, data);
      },
    };
    const outcomes = await runJobs({ storage: racing });
    expect(outcomes).toEqual([{ kind: 'released', originalKey: key }]);
    const base = key.replace(/\.jpg$/, '');
    const files = await mediaFiles(t);
    expect(files.filter((f) => f.startsWith(base))).toEqual([]);
    expect(await variantRows(key)).toEqual([]);
    expect(await jobCount()).toBe(0);
  });

  it('retries a failing job after its lease, at most maxAttempts times, then drops it', async () => {
    await t.testDb.db
      .insertInto('image_variant_jobs')
      .values({
        original_key: `${alice.slug}/posts/broken.jpg`,
        format: 'jpeg',
        data: new Uint8Array([1, 2, 3]),
      })
      .execute();
    const first = await runJobs({ maxAttempts: 2 });
    expect(first).toEqual([expect.objectContaining({ kind: 'failed', attempts: 1 })]);
    const row = await t.testDb.db.selectFrom('image_variant_jobs').selectAll().executeTakeFirstOrThrow();
    expect(row.last_error).toEqual(expect.any(String));
    // Still leased: nobody takes it.
    expect(await runJobs({ maxAttempts: 2 })).toEqual([]);
    const expire = () =>
      t.testDb.db
        .updateTable('image_variant_jobs')
        .set({ locked_until: new Date(Date.now() - 1000) })
        .execute();
    await expire();
    expect(await runJobs({ maxAttempts: 2 })).toEqual([
      expect.objectContaining({ kind: 'failed', attempts: 2 }),
    ]);
    await expire();
    expect(await runJobs({ maxAttempts: 2 })).toEqual([]);
    expect(await jobCount()).toBe(0);
  });

  it('shares jobs between concurrent workers: each is done exactly once', async () => {
    const slugs: string[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await injectMultipart(t, 'POST', '/api/posts/', alice.token, [
        ['title', `Parallel ${i}`],
        ['thumbnail', { data: await photo(), filename: `${i}.jpg`, type: 'image/jpeg' }],
      ]);
      slugs.push(res.json().slug);
    }
    const [a, b] = await Promise.all([runJobs(), runJobs()]);
    const done = [...(a ?? []), ...(b ?? [])].filter((o) => o.kind === 'done').map((o) => o.originalKey);
    expect(done).toHaveLength(4);
    expect(new Set(done).size).toBe(4);
    for (const slug of slugs) expect((await getPost(slug)).variants).toHaveLength(4);
  });

  it('lists posts with their variants in the same number of statements for 1 and 100 posts', async () => {
    const count = async (pageSize: number) => {
      t.testDb.queries.length = 0;
      const res = await t.app.inject({
        url: `/api/posts/?author=${alice.slug}&page_size=${pageSize}`,
        headers: bearer(alice.token),
      });
      expect(res.statusCode).toBe(200);
      return {
        statements: t.testDb.queries.length,
        results: res.json().results as Array<{ variants: Variant[] }>,
      };
    };
    const one = await count(1);
    const all = await count(100);
    expect(all.results.filter((p) => p.variants.length === 4).length).toBeGreaterThanOrEqual(5);
    expect(all.statements).toBe(one.statements);
  });
});
