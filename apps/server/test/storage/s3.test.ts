/**
 * STORAGE=s3 end to end: the app on a real S3 API (moto's server on loopback, started here) stores
 * gallery files, profile pictures and post thumbnails in the bucket, serves them under /media/, removes
 * them with what they belong to, and leaves nothing behind when a request fails.
 */
import type { S3Storage } from '@lectern/api';
import { beginMultipartUpload, type MotoServer, startMoto, unfinishedUploads } from '@lectern/api/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMaintenanceJobs } from '../../src/maintenance-jobs.ts';
import { createStorage } from '../../src/services.ts';
import { GIF, injectMultipart, keyOfUrl, PDF, PNG } from '../content-helpers.ts';
import { bearer, createTestApp, insertUser, type TestApp, testEnv } from '../helpers.ts';

type User = Awaited<ReturnType<typeof insertUser>>;

const MAX_UPLOAD = 8 * 1024 * 1024;

describe('S3 storage (moto)', () => {
  let moto: MotoServer;
  let bucket: S3Storage;
  let t: TestApp;
  let alice: User;

  const keys = () => bucket.keys();
  const unfinished = () => unfinishedUploads(bucket);
  0;
  const upload = (user: User, parts: Parameters<typeof injectMultipart>[4]) =>
    injectMultipart(t, 'POST', '/api/files/', user.token, parts);
  const media = (url: string, headers: Record<string, string> = {}) =>
    t.app.inject({ url: new URL(url, 'http://x').pathname, headers });

  beforeAll(async () => {
    moto = await startMoto();
    bucket = await moto.bucket();
    // One revision kept: a replaced thumbnail is removed at once (no revision can bring it back).
    t = await createTestApp({
      ...moto.env(bucket.bucket),
      UPLOAD_MAX_BYTES: String(MAX_UPLOAD),
      REVISIONS_KEPT: '1',
    });
    alice = await insertUser(t.testDb);
  });
  afterAll(async () => {
    await t?.close();
    await moto?.stop();
  });

  it('stores a gallery file in the bucket and serves it under /media/ with cache, type and security headers', async () => {
    const res = await upload(alice, [['file', { data: PDF, filename: 'Report.pdf' }]]);
    expect(res.statusCode, res.body).toBe(201);
    const key = keyOfUrl(res.json().file);
    expect(key).toMatch(/^file_gallery\/[0-9a-f-]{36}\.pdf$/);
    expect(await keys()).toContain(key);

    const served = await media(res.json().file);
    expect(served.statusCode).toBe(200);
    expect(served.rawPayload.equals(PDF)).toBe(true);
    expect(served.headers).toMatchObject({
      'content-type': 'application/pdf',
      'content-length': String(PDF.length),
      'cache-control': 'public, max-age=604800, immutable',
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'none'; sandbox",
      'accept-ranges': 'bytes',
    });
    const etag = served.headers.etag as string;
    expect(etag).toMatch(/^"/);

    const again = await media(res.json().file, { 'if-none-match': etag });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');

    const part = await media(res.json().file, { range: 'bytes=0-3' });
    expect(part.statusCode).toBe(206);
    expect(part.body).toBe('%PDF');
    expect(part.headers['content-range']).toBe(`bytes 0-3/${PDF.length}`);

    // A range past the end is ignored: the whole file.
    const whole = await media(res.json().file, { range: 'bytes=99999-' });
    expect(whole.statusCode).toBe(200);
    expect(whole.rawPayload.equals(PDF)).toBe(true);

    const head = await t.app.inject({ method: 'HEAD', url: new URL(res.json().file).pathname });
    expect(head.statusCode).toBe(200);
    expect(head.headers['content-length']).toBe(String(PDF.length));
  });

  it('answers 404 in the contract shape for a missing key and for paths that are no key', async () => {
    for (const path of [
      '/media/file_gallery/nothing-here.pdf',
      '/media/.hidden',
      '/media/a/..%2F..%2Fetc/passwd',
    ]) {
      const res = await t.app.inject({ url: path });
      expect(res.statusCode, path).toBe(404);
      expect(res.json()).toMatchObject({ detail: expect.any(String) });
    }
  });

  it('streams a file larger than one part (multipart upload) and reads it back whole', async () => {
    const line = 'id,name,value\n';
    const csv = Buffer.from(line.repeat(Math.ceil((6 * 1024 * 1024) / line.length)));
    const res = await upload(alice, [['file', { data: csv, filename: 'big.csv' }]]);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ size: csv.length, content_type: 'text/csv' });
    const served = await media(res.json().file);
    expect(served.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(served.rawPayload.equals(csv)).toBe(true);
    expect(await unfinished()).toBe(0);
  });

  it('leaves no object and no unfinished upload when a request fails: late 415, 413, bad field', async () => {
    const before = await keys();
    // Plain text for its first MiB, then an invalid byte: refused once the stream gets there.
    const lateBinary = Buffer.concat([
      Buffer.alloc(6 * 1024 * 1024, 'a'),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('tail'),
    ]);
    const late = await upload(alice, [['file', { data: lateBinary, filename: 'notes.txt' }]]);
    expect(late.statusCode, late.body).toBe(415);
    expect(late.json()).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE' });

    // Refused by its first MiB (an executable), the rest of the body read and dropped.
    const exe = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(3 * 1024 * 1024, 0x90)]);
    const early = await upload(alice, [
      ['file', { data: exe, filename: 'tool.pdf' }],
      ['title', 'after the file'],
    ]);
    expect(early.statusCode, early.body).toBe(415);

    const big = Buffer.concat([PDF, Buffer.alloc(MAX_UPLOAD, 0x20)]);
    const tooLarge = await upload(alice, [['file', { data: big, filename: 'big.pdf' }]]);
    expect(tooLarge.statusCode, tooLarge.body).toBe(413);

    // Stored, then the text field after it is refused: the object goes too.
    const badTitle = await upload(alice, [
      ['file', { data: PDF, filename: 'a.pdf' }],
      ['title', 'x'.repeat(10_000)],
    ]);
    expect(badTitle.statusCode).toBe(400);
    expect(await keys()).toEqual(before);
    expect(await unfinished()).toBe(0);
  });

  it('deleting a gallery file removes its object', async () => {
    const res = await upload(alice, [['file', { data: PNG, filename: 'logo.png' }]]);
    const key = keyOfUrl(res.json().file);
    expect(await keys()).toContain(key);
    const del = await t.app.inject({
      method: 'DELETE',
      url: `/api/files/${res.json().id}/`,
      headers: bearer(alice.token),
    });
    expect(del.statusCode).toBe(204);
    expect(await keys()).not.toContain(key);
    expect((await media(res.json().file)).statusCode).toBe(404);
  });

  it('profile pictures: stored, served, replaced (old object removed), removed with the account', async () => {
    const bob = await insertUser(t.testDb);
    const set = await injectMultipart(t, 'PATCH', `/api/users/${bob.slug}/`, bob.token, [
      ['profile_pic', { data: PNG, filename: 'me.png', type: 'image/png' }],
    ]);
    expect(set.statusCode, set.body).toBe(200);
    const first = keyOfUrl(set.json().profile_pic);
    expect(await keys()).toContain(first);
    const served = await media(set.json().profile_pic);
    expect(served.headers['content-type']).toBe('image/png');
    expect(served.rawPayload.equals(PNG)).toBe(true);

    const replaced = await injectMultipart(t, 'PATCH', `/api/users/${bob.slug}/`, bob.token, [
      ['profile_pic', { data: GIF, filename: 'me.gif', type: 'image/gif' }],
    ]);
    const second = keyOfUrl(replaced.json().profile_pic);
    expect(await keys()).toContain(second);
    expect(await keys()).not.toContain(first);

    const gone = await t.app.inject({
      method: 'DELETE',
      url: `/api/users/${bob.slug}/`,
      headers: bearer(bob.token),
    });
    expect(gone.statusCode).toBe(204);
    expect(await keys()).not.toContain(second);
  });

  it('post thumbnails: stored and served, none left by a failed create, the old one removed on replace', async () => {
    const before = await keys();
    const failed = await injectMultipart(t, 'POST', '/api/posts/', alice.token, [
      ['title', 'Rolled back'],
      ['categories', '[123456789]'],
      ['thumbnail', { data: PNG, filename: 'ok.png', type: 'image/png' }],
    ]);
    expect(failed.statusCode).toBe(400);
    expect(await keys()).toEqual(before);

    const created = await injectMultipart(t, 'POST', '/api/posts/', alice.token, [
      ['title', 'On S3'],
      ['thumbnail', { data: PNG, filename: 'a.png', type: 'image/png' }],
    ]);
    expect(created.statusCode, created.body).toBe(201);
    const first = keyOfUrl(created.json().thumbnail);
    expect(await keys()).toContain(first);
    expect((await media(created.json().thumbnail)).rawPayload.equals(PNG)).toBe(true);

    const replaced = await injectMultipart(t, 'PATCH', `/api/posts/${created.json().slug}/`, alice.token, [
      ['thumbnail', { data: GIF, filename: 'b.gif', type: 'image/gif' }],
    ]);
    expect(replaced.statusCode, replaced.body).toBe(200);
    const second = keyOfUrl(replaced.json().thumbnail);
    expect(await keys()).toContain(second);
    expect(await keys()).not.toContain(first);
  });

  it('S3_MEDIA=redirect answers 302 to a presigned URL that serves the bytes', async () => {
    const other = await createTestApp(
      { ...moto.env(bucket.bucket), S3_MEDIA: 'redirect', S3_PRESIGN_SECONDS: '60' },
      t.testDb,
    );
    try {
      const res = await upload(alice, [['file', { data: PDF, filename: 'r.pdf' }]]);
      const redirect = await other.app.inject({ url: new URL(res.json().file).pathname });
      expect(redirect.statusCode).toBe(302);
      expect(redirect.headers['cache-control']).toBe('private, max-age=30');
      const location = String(redirect.headers.location);
      expect(location.startsWith(`${moto.endpoint}/${bucket.bucket}/file_gallery/`)).toBe(true);
      expect(location).toContain('X-Amz-Signature=');
      expect(location).toContain('X-Amz-Expires=60');
      const fetched = await fetch(location);
      expect(fetched.status).toBe(200);
      expect(Buffer.from(await fetched.arrayBuffer()).equals(PDF)).toBe(true);
      expect(fetched.headers.get('content-type')).toBe('application/pdf');
    } finally {
      await other.close();
    }
  });

  it('housekeeping aborts multipart uploads a dead process left in the bucket', async () => {
    await beginMultipartUpload(bucket, 'file_gallery/left-by-a-killed-process.zip');
    expect(await unfinished()).toBe(1);
    const quiet = { info() {}, warn() {}, error() {}, debug() {} };
    // moto dates every multipart upload in 2010: stale for the default age.
    const jobs = startMaintenanceJobs({
      db: t.testDb.db,
      env: { ...t.env, HOUSEKEEPING_INTERVAL_SECONDS: 0 },
      log: quiet,
      storage: t.services.storage,
    });
    const pass = await jobs.runOnce();
    await jobs.stop();
    expect(pass.partialUploads).toBe(1);
    expect(await unfinished()).toBe(0);
  });

  it('refuses to start on a bucket it cannot reach, saying which and why', async () => {
    const env = testEnv(t.dataDir, { ...moto.env('no-such-bucket') });
    await expect(createStorage(env)).rejects.toThrow(
      'S3 bucket "no-such-bucket" is not reachable: it does not exist',
    );
    expect(() => testEnv(t.dataDir, { STORAGE: 's3' })).toThrow('S3_BUCKET: required with STORAGE=s3');
  });
});
