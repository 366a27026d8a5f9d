/**
 * receiveUpload: a gallery file decided by its first MiB (the whole file when smaller, as storeUpload
 * decides), the rest streamed into storage, plain text checked to the end; a refusal leaves nothing.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LecternError } from '../src/errors.ts';
import { LocalDiskStorage } from '../src/shared/storage.ts';
import { receiveUpload, SNIFF_BYTES } from '../src/shared/uploads.ts';

const PNG_HEAD = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');

async function* pieces(data: Buffer, size = 64 * 1024): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < data.length; at += size) yield data.subarray(at, at + size);
}

describe('receiveUpload', () => {
  let dir: string;
  let storage: LocalDiskStorage;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'lectern-receive-'));
    storage = new LocalDiskStorage(dir);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const receive = (filename: string, data: Buffer, size?: number) =>
    receiveUpload(storage, filename, pieces(data, size), 'gallery', (id, ext) => `file_gallery/${id}.${ext}`);
  const refusedWith415 = async (promise: Promise<unknown>) => {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(LecternError);
    expect((error as LecternError).code).toBe('UNSUPPORTED_MEDIA_TYPE');
  };

  it('stores a large file of a detected type under its extension, with its size', async () => {
    const data = Buffer.concat([PNG_HEAD, Buffer.alloc(3 * 1024 * 1024, 7)]);
    const upload = await receive('photo.bin', data);
    expect(upload).toMatchObject({
      contentType: 'image/png',
      ext: 'png',
      size: data.length,
      originalName: 'photo.bin',
    });
    expect(await storage.keys()).toContain(upload?.key);
  });

  it('stores large plain text checked to its end, a character split across the first MiB included', async () => {
    const euro = Buffer.from('€'); // 3 bytes: its first byte is the last of the first MiB
    const data = Buffer.concat([
      Buffer.alloc(SNIFF_BYTES - 1, 'a'),
      euro,
      Buffer.alloc(2 * 1024 * 1024, 'b'),
    ]);
    const upload = await receive('notes.csv', data, 1000);
    expect(upload).toMatchObject({ contentType: 'text/csv', ext: 'csv', size: data.length });
    const stored = await storage.read(upload?.key ?? '');
    expect(stored?.size).toBe(data.length);
    stored?.body.destroy();
  });

  it('refuses text that turns out binary past the first MiB (415) and leaves nothing', async () => {
    const before = await storage.keys();
    const late = Buffer.concat([
      Buffer.alloc(2 * 1024 * 1024, 'a'),
      Buffer.from([0, 1, 2]),
      Buffer.alloc(1000, 'a'),
    ]);
    await refusedWith415(receive('a.txt', late));
    const invalid = Buffer.concat([Buffer.alloc(2 * 1024 * 1024, 'a'), Buffer.from([0xc3])]);
    await refusedWith415(receive('b.txt', invalid));
    expect(await storage.keys()).toEqual(before);
  });

  it('refuses markup and unknown binaries from the head alone, small or large; an empty file is null', async () => {
    const before = await storage.keys();
    const html = Buffer.concat([
      Buffer.from('<!doctype html><script>x</script>'),
      Buffer.alloc(2 * 1024 * 1024, 'a'),
    ]);
    await refusedWith415(receive('page.txt', html));
    await refusedWith415(
      receive('x.exe', Buffer.concat([Buffer.from('MZ'), Buffer.alloc(3 * 1024 * 1024, 0x90)])),
    );
    await refusedWith415(receive('small.svg', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"></svg>')));
    expect(await receive('empty.txt', Buffer.alloc(0))).toBeNull();
    expect(await storage.keys()).toEqual(before);
  });
});
