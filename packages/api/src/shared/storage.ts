import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/**
 * Where uploaded files live. Keys are relative paths we generate (`{user-slug}/profile-{uuid}.png`);
 * no client-supplied name ever becomes part of a key. Local disk (LocalDiskStorage) or an
 * S3-compatible bucket (S3Storage in s3-storage.ts) for several processes.
 */
export interface Storage {
  /** Stores bytes under `key` (replacing what was there); readers never see a half-written object. */
  save(key: string, data: Uint8Array, options?: SaveOptions): Promise<void>;
  /**
   * Stores a stream under `key` without holding it whole; resolves with the bytes written. If the
   * source fails (a client gone mid-upload, a size limit, a content check), nothing is left under
   * `key` and the source's error is rethrown.
   */
  saveStream(key: string, source: AsyncIterable<Uint8Array>, options?: SaveOptions): Promise<number>;
  /** Removes the file; a missing file is not an error. */
  delete(key: string): Promise<void>;
  /** The stored object (or the requested byte range of it), or null if there is none. */
  read(key: string, options?: ReadOptions): Promise<StoredObject | null>;
  /** Absolute URL of a key, served under /media/. */
  url(baseUrl: string, key: string): string;
}

export interface SaveOptions {
  /** Defaults to the type of the key's extension (contentTypeOf). */
  contentType?: string;
}

export interface ReadOptions {
  /** One range as in an HTTP Range header: `bytes=0-99`, `bytes=100-`, `bytes=-100`. */
  range?: string;
}

export interface StoredObject {
  body: Readable;
  contentType: string;
  /** Bytes in `body`. */
  length: number;
  /** Size of the whole object. */
  size: number;
  etag?: string;
  lastModified?: Date;
  /** Set when a range was asked for and served. */
  range?: { start: number; end: number };
}

/** A range that cannot be served for the object's size (HTTP 416). */
export class RangeNotSatisfiableError extends Error {
  override name = 'RangeNotSatisfiableError';
  constructor(readonly size: number) {
    super(`range not satisfiable (size ${size})`);
  }
}

const SAFE_KEY = /^[a-z0-9][a-z0-9._-]*(\/[a-z0-9][a-z0-9._-]*)*$/i;

export function assertSafeKey(key: string): void {
  if (!SAFE_KEY.test(key) || key.includes('..')) throw new Error(`unsafe storage key: ${key}`);
}

/** Types of the extensions uploads get (uploads.ts derives them from the bytes, never from the client). */
const TYPES: Record<string, string> = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  gif: 'image/gif',
  avif: 'image/avif',
  pdf: 'application/pdf',
  zip: 'application/zip',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  odt: 'application/vnd.oasis.opendocument.text',
  ods: 'application/vnd.oasis.opendocument.spreadsheet',
  odp: 'application/vnd.oasis.opendocument.presentation',
  doc: 'application/msword',
  xls: 'application/vnd.ms-excel',
  ppt: 'application/vnd.ms-powerpoint',
  cfb: 'application/x-cfb',
  txt: 'text/plain; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
};

/** The Content-Type a key is served with, from its extension. */
export function contentTypeOf(key: string): string {
  const ext = key.slice(key.lastIndexOf('.') + 1).toLowerCase();
  return TYPES[ext] ?? 'application/octet-stream';
}

/** Parses one `bytes=` range against a size: null when there is none to apply. */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | null {
  if (!header) return null;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return null;
  let start: number;
  let end: number;
  if (match[1] === '') {
    const suffix = Number(match[2]);
    if (suffix === 0) throw new RangeNotSatisfiableError(size);
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(match[1]);
    end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  }
  if (start >= size || start > end) throw new RangeNotSatisfiableError(size);
  return { start, end };
}

export class LocalDiskStorage implements Storage {
  constructor(readonly root: string) {}

  pathOf(key: string): string {
    assertSafeKey(key);
    return path.join(this.root, key);
  }

  async save(key: string, data: Uint8Array, _options?: SaveOptions): Promise<void> {
    const target = this.pathOf(key);
    await mkdir(path.dirname(target), { recursive: true });
    // Write then rename: a crash never leaves a half-written file under the final name.
    const tmp = `${target}.${randomUUID()}.part`;
    try {
      await writeFile(tmp, data, { flag: 'wx' });
      await rename(tmp, target);
    } catch (error) {
      await rm(tmp, { force: true });
      throw error;
    }
  }

  async saveStream(key: string, source: AsyncIterable<Uint8Array>, _options?: SaveOptions): Promise<number> {
    const target = this.pathOf(key);
    await mkdir(path.dirname(target), { recursive: true });
    const tmp = `${target}.${randomUUID()}.part`;
    let written = 0;
    try {
      await pipeline(
        source,
        async function* count(chunks: AsyncIterable<Uint8Array>) {
          for await (const chunk of chunks) {
            written += chunk.length;
            yield chunk;
          }
        },
        createWriteStream(tmp, { flags: 'wx' }),
      );
      await rename(tmp, target);
      return written;
    } catch (error) {
      await rm(tmp, { force: true });
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }

  async read(key: string, options: ReadOptions = {}): Promise<StoredObject | null> {
    const file = this.pathOf(key);
    let handle: Awaited<ReturnType<typeof open>>;
    try {
      handle = await open(file, 'r');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'EISDIR' || code === 'ENOTDIR') return null;
      throw error;
    }
    try {
      const stat = await handle.stat();
      if (!stat.isFile()) {
        await handle.close();
        return null;
      }
      const range = parseRange(options.range, stat.size);
      const start = range?.start ?? 0;
      const end = range?.end ?? stat.size - 1;
      let body: Readable;
      if (stat.size === 0) {
        await handle.close();
        body = Readable.from([]);
      } else {
        body = createReadStream('', { fd: handle, start, end, autoClose: true });
      }
      return {
        body,
        contentType: contentTypeOf(key),
        length: stat.size === 0 ? 0 : end - start + 1,
        size: stat.size,
        etag: `"${stat.size.toString(16)}-${Math.floor(stat.mtimeMs).toString(16)}"`,
        lastModified: stat.mtime,
        ...(range ? { range } : {}),
      };
    } catch (error) {
      await handle.close().catch(() => {});
      throw error;
    }
  }

  /** Every stored key (for tests and tools); `.part` files in progress are left out. */
  async keys(): Promise<string[]> {
    let entries: Array<{ name: string; parentPath: string; isFile(): boolean }>;
    try {
      entries = await readdir(this.root, { recursive: true, withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    return entries
      .filter((e) => e.isFile() && !e.name.endsWith('.part'))
      .map((e) => path.relative(this.root, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
      .sort();
  }

  url(baseUrl: string, key: string): string {
    return mediaUrl(baseUrl, key);
  }
}

export function mediaUrl(baseUrl: string, key: string): string {
  return `${baseUrl}/media/${key.split('/').map(encodeURIComponent).join('/')}`;
}
