/**
 * One contract for every Storage: local disk, and S3Storage on a real S3 API (moto's server on
 * loopback, started here). Both must behave the same for everything the app relies on.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ListMultipartUploadsCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3Storage } from '../src/shared/s3-storage.ts';
import { LocalDiskStorage, RangeNotSatisfiableError, type Storage } from '../src/shared/storage.ts';
import { type MotoServer, startMoto } from '../src/testing-s3.ts';

async function bytesOf(storage: Storage, key: string, range?: string): Promise<Buffer | null> {
  const object = await storage.read(key, range ? { range } : {});
  if (!object) return null;
  const chunks: Buffer[] = [];
  for await (const chunk of object.body) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

async function* chunked(data: Buffer, size: number, failAfter?: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < data.length; at += size) {
    if (failAfter !== undefined && at >= failAfter) throw new Error('client went away');
    yield data.subarray(at, at + size);
  }
}

interface Subject {
  storage: Storage;
  keys(): Promise<string[]>;
  /** Leftovers of failed writes: `.part` files, unfinished multipart uploads. */
  leftovers(): Promise<number>;
}

let moto: MotoServer;
let dir: string;
const subjects: Record<string, () => Subject> = {};

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'lectern-storage-'));
  moto = await startMoto();
  const local = new LocalDiskStorage(dir);
  const s3: S3Storage = await moto.bucket();
  subjects.local = () => ({
    storage: local,
    keys: () => local.keys(),
    leftovers: async () =>
      (await readdir(dir, { recursive: true })).filter((name) => String(name).endsWith('.part')).length,
  });
  subjects.s3 = () => ({
    storage: s3,
    keys: () => s3.keys(),
    leftovers: async () =>
      (await s3.client.send(new ListMultipartUploadsCommand({ Bucket: s3.bucket }))).Uploads?.length ?? 0,
  });
}, 60_000);

afterAll(async () => {
  await moto?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe.each(['local', 's3'])('storage contract: %s', (name) => {
  const subject = () => {
    const make = subjects[name];
    if (!make) throw new Error(`no subject ${name}`);
    return make();
  };
  const prefix = `contract-${name}`;

  it('saves bytes and reads them back with their type, size and an etag', async () => {
    const { storage, keys } = subject();
    const data = randomBytes(1000);
    await storage.save(`${prefix}/a.png`, data);
    const object = await storage.read(`${prefix}/a.png`);
    expect(object).not.toBeNull();
    expect(object?.contentType).toBe('image/png');
    expect(object?.size).toBe(1000);
    expect(object?.length).toBe(1000);
    expect(object?.etag).toMatch(/^"/);
    expect(await bytesOf(storage, `${prefix}/a.png`)).toEqual(data);
    expect(await keys()).toContain(`${prefix}/a.png`);
    expect((await storage.read(`${prefix}/a.png`))?.contentType).toBe('image/png');
  });

  it('types text by its extension with a charset', async () => {
    const { storage } = subject();
    await storage.save(`${prefix}/notes.txt`, Buffer.from('hello'));
    expect((await storage.read(`${prefix}/notes.txt`))?.contentType).toBe('text/plain; charset=utf-8');
  });

  it('overwrites a key', async () => {
    const { storage } = subject();
    await storage.save(`${prefix}/b.pdf`, Buffer.from('first version'));
    await storage.save(`${prefix}/b.pdf`, Buffer.from('second'));
    expect((await bytesOf(storage, `${prefix}/b.pdf`))?.toString()).toBe('second');
  });

  it('deletes a key, and deleting a missing key is not an error', async () => {
    const { storage, keys } = subject();
    await storage.save(`${prefix}/c.gif`, Buffer.from('GIF89a'));
    await storage.delete(`${prefix}/c.gif`);
    expect(await storage.read(`${prefix}/c.gif`)).toBeNull();
    expect(await keys()).not.toContain(`${prefix}/c.gif`);
    await expect(storage.delete(`${prefix}/c.gif`)).resolves.toBeUndefined();
    await expect(storage.delete(`${prefix}/never/was.png`)).resolves.toBeUndefined();
  });

  it('reads a missing key as null', async () => {
    const { storage } = subject();
    expect(await storage.read(`${prefix}/missing.png`)).toBeNull();
    expect(await storage.read(`${prefix}/missing/deeper.png`)).toBeNull();
  });

  it('refuses unsafe keys for every operation', async () => {
    const { storage } = subject();
    for (const key of ['../escape.png', '/abs.png', 'a/../../b.png', 'a//b.png', '.hidden', 'a b.png', '']) {
      await expect(storage.save(key, Buffer.from('x'))).rejects.toThrow(/unsafe storage key/);
      await expect(storage.saveStream(key, chunked(Buffer.from('x'), 1))).rejects.toThrow(/unsafe/);
      await expect(storage.delete(key)).rejects.toThrow(/unsafe storage key/);
      await expect(storage.read(key)).rejects.toThrow(/unsafe storage key/);
    }
  });

  it('streams several megabytes in small chunks (multipart on S3) and reads them back whole', async () => {
    const { storage, leftovers } = subject();
    const data = randomBytes(12 * 1024 * 1024 + 123);
    const written = await storage.saveStream(`${prefix}/big.zip`, chunked(data, 64 * 1024));
    expect(written).toBe(data.length);
    const object = await storage.read(`${prefix}/big.zip`);
    expect(object?.size).toBe(data.length);
    expect(object?.contentType).toBe('application/zip');
    expect((await bytesOf(storage, `${prefix}/big.zip`))?.equals(data)).toBe(true);
    expect(await leftovers()).toBe(0);
  });

  it('serves byte ranges, and refuses one past the end', async () => {
    const { storage } = subject();
    const data = Buffer.from('0123456789');
    await storage.save(`${prefix}/r.txt`, data);
    const part = await storage.read(`${prefix}/r.txt`, { range: 'bytes=2-5' });
    expect(part?.range).toEqual({ start: 2, end: 5 });
    expect(part?.length).toBe(4);
    expect(part?.size).toBe(10);
    expect((await bytesOf(storage, `${prefix}/r.txt`, 'bytes=2-5'))?.toString()).toBe('2345');
    expect((await bytesOf(storage, `${prefix}/r.txt`, 'bytes=7-'))?.toString()).toBe('789');
    expect((await bytesOf(storage, `${prefix}/r.txt`, 'bytes=-3'))?.toString()).toBe('789');
    await expect(storage.read(`${prefix}/r.txt`, { range: 'bytes=20-30' })).rejects.toBeInstanceOf(
      RangeNotSatisfiableError,
    );
  });

  it('leaves nothing behind when the source fails, small or multipart, and keeps an older object', async () => {
    const { storage, keys, leftovers } = subject();
    const small = randomBytes(100 * 1024);
    await expect(
      storage.saveStream(`${prefix}/fail-small.pdf`, chunked(small, 16 * 1024, 32 * 1024)),
    ).rejects.toThrow('client went away');
    const big = randomBytes(11 * 1024 * 1024);
    await expect(
      storage.saveStream(`${prefix}/fail-big.pdf`, chunked(big, 256 * 1024, 10 * 1024 * 1024)),
    ).rejects.toThrow('client went away');
    expect((await keys()).filter((k) => k.includes('fail-'))).toEqual([]);
    expect(await leftovers()).toBe(0);
    await storage.save(`${prefix}/kept.pdf`, Buffer.from('older'));
    await expect(
      storage.saveStream(`${prefix}/kept.pdf`, chunked(small, 16 * 1024, 32 * 1024)),
    ).rejects.toThrow('client went away');
    expect((await bytesOf(storage, `${prefix}/kept.pdf`))?.toString()).toBe('older');
  });

  it('saves an empty stream as an empty object', async () => {
    const { storage } = subject();
    expect(await storage.saveStream(`${prefix}/empty.txt`, chunked(Buffer.alloc(0), 1))).toBe(0);
    expect((await bytesOf(storage, `${prefix}/empty.txt`))?.length).toBe(0);
  });
});

describe('S3Storage.check', () => {
  it('passes for a bucket that exists and names the bucket when it does not', async () => {
    const s3 = await moto.bucket();
    await expect(s3.check()).resolves.toBeUndefined();
    const missing = new S3Storage({
      bucket: 'no-such-bucket-here',
      region: 'us-east-1',
      endpoint: moto.endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    await expect(missing.check()).rejects.toThrow(
      /S3 bucket "no-such-bucket-here" is not reachable: it does not exist/,
    );
  });

  it('aborts stale multipart uploads and keeps fresh ones', async () => {
    const s3 = await moto.bucket();
    const { CreateMultipartUploadCommand } = await import('@aws-sdk/client-s3');
    await s3.client.send(new CreateMultipartUploadCommand({ Bucket: s3.bucket, Key: 'file_gallery/x.zip' }));
    // moto reports every upload as initiated in 2010: "fresh" here means a cut-off before that.
    const initiated = (await s3.client.send(new ListMultipartUploadsCommand({ Bucket: s3.bucket })))
      .Uploads?.[0]?.Initiated;
    expect(initiated).toBeInstanceOf(Date);
    const age = Date.now() - (initiated as Date).getTime();
    expect(await s3.abortStaleUploads(age + 60_000)).toBe(0);
    expect(await s3.abortStaleUploads(Math.max(0, age - 60_000))).toBe(1);
    const left = await s3.client.send(new ListMultipartUploadsCommand({ Bucket: s3.bucket }));
    expect(left.Uploads ?? []).toEqual([]);
  });
});
