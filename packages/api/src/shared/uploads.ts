import { randomUUID } from 'node:crypto';
import { fileTypeFromBuffer } from 'file-type';
import { LecternError } from '../errors.ts';
import { type ImageFormat, prepareImage } from './images.ts';
import type { Storage } from './storage.ts';

/** A file part of a multipart request, already buffered within the size limit by the server. */
export interface IncomingFile {
  /** The client's file name: kept only as metadata (gallery `title` default), never as a path. */
  filename: string;
  data: Uint8Array;
}

export interface StoredUpload {
  key: string;
  contentType: string;
  ext: string;
  size: number;
  originalName: string;
}

/** Images accepted for pictures and thumbnails, by their bytes. */
const IMAGE_TYPES = new Set(['image/jpeg', 'image/png', 'image/webp', 'image/gif', 'image/avif']);

/** The gallery's allow-list by detected content (HTML, SVG and executables are never on it). */
const GALLERY_TYPES = new Set([
  ...IMAGE_TYPES,
  'application/pdf',
  'application/zip',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  'application/vnd.oasis.opendocument.text',
  'application/vnd.oasis.opendocument.spreadsheet',
  'application/vnd.oasis.opendocument.presentation',
  'application/msword',
  'application/vnd.ms-excel',
  'application/vnd.ms-powerpoint',
  'application/x-cfb',
]);

export type UploadKind = 'image' | 'gallery';

/** Text that is plainly text: valid UTF-8, no NUL, no markup that a browser would render as a page. */
function sniffPlainText(data: Uint8Array, filename: string): { mime: string; ext: string } | undefined {
  if (data.length === 0) return undefined;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(data);
  } catch {
    return undefined;
  }
  if (text.includes('\u0000')) return undefined;
  const head = text.slice(0, 2048).trimStart().toLowerCase();
  if (
    /^<(!doctype|html|svg|\?xml|script|body|head|iframe)/.test(head) ||
    /<(script|svg|html)[\s>]/.test(head)
  ) {
    return undefined;
  }
  return filename.toLowerCase().endsWith('.csv')
    ? { mime: 'text/csv', ext: 'csv' }
    : { mime: 'text/plain', ext: 'txt' };
}

/** What the bytes are, or a 415. */
export async function detectType(
  file: IncomingFile,
  kind: UploadKind,
): Promise<{ mime: string; ext: string }> {
  const detected = await fileTypeFromBuffer(file.data);
  const allowed = kind === 'image' ? IMAGE_TYPES : GALLERY_TYPES;
  if (detected && allowed.has(detected.mime)) return { mime: detected.mime, ext: detected.ext };
  if (!detected && kind === 'gallery') {
    const text = sniffPlainText(file.data, file.filename);
    if (text) return text;
  }
  throw new LecternError({
    code: 'UNSUPPORTED_MEDIA_TYPE',
    message:
      kind === 'image'
        ? 'Upload a valid image: JPEG, PNG, WebP, GIF or AVIF.'
        : 'This type of file is not allowed.',
  });
}

/**
 * Checks the file by its content and stores it under a generated key. `keyFor` receives a fresh
 * uuid and the detected extension, e.g. `(id, ext) => \`${slug}/profile-${id}.${ext}\``.
 */
export async function storeUpload(
  storage: Storage,
  file: IncomingFile,
  kind: UploadKind,
  keyFor: (id: string, ext: string) => string,
): Promise<StoredUpload> {
  const { mime, ext } = await detectType(file, kind);
  const key = keyFor(randomUUID(), ext);
  await storage.save(key, file.data);
  return { key, contentType: mime, ext, size: file.data.length, originalName: file.filename };
}

/** Bytes of a streamed upload read before its type is decided: files up to this size are judged whole. */
export const SNIFF_BYTES = 1024 * 1024;

/** Checks, chunk by chunk, that a stream is the plain text its head was judged to be. */
class PlainTextCheck {
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });
  push(chunk: Uint8Array, last = false): void {
    let text: string;
    try {
      text = this.decoder.decode(chunk, { stream: !last });
    } catch {
      throw refused('gallery');
    }
    if (text.includes('\u0000')) throw refused('gallery');
  }
}

const refused = (kind: UploadKind) =>
  new LecternError({
    code: 'UNSUPPORTED_MEDIA_TYPE',
    message:
      kind === 'image'
        ? 'Upload a valid image: JPEG, PNG, WebP, GIF or AVIF.'
        : 'This type of file is not allowed.',
  });

/**
 * Stores an upload as it arrives, holding at most SNIFF_BYTES of it: the type is decided from the
 * first SNIFF_BYTES (the whole file when it is smaller, exactly as `storeUpload` decides), then the
 * rest streams into storage. A file judged plain text by its head is checked to the end as it goes.
 * Any failure (a 415 found late, a size limit, a client gone) leaves nothing stored. Null for an
 * empty file (nothing stored).
 */
export async function receiveUpload(
  storage: Storage,
  filename: string,
  source: AsyncIterable<Uint8Array>,
  kind: UploadKind,
  keyFor: (id: string, ext: string) => string,
): Promise<StoredUpload | null> {
  const iterator = source[Symbol.asyncIterator]();
  const head: Uint8Array[] = [];
  let headLength = 0;
  let ended = false;
  while (headLength < SNIFF_BYTES) {
    const next = await iterator.next();
    if (next.done) {
      ended = true;
      break;
    }
    head.push(next.value);
    headLength += next.value.length;
  }
  const first = Buffer.concat(head);
  if (first.length === 0) return null;
  let type: { mime: string; ext: string };
  let textCheck: PlainTextCheck | undefined;
  if (ended) {
    type = await detectType({ filename, data: first }, kind);
  } else {
    const detected = await fileTypeFromBuffer(first);
    const allowed = kind === 'image' ? IMAGE_TYPES : GALLERY_TYPES;
    if (detected && allowed.has(detected.mime)) type = { mime: detected.mime, ext: detected.ext };
    else if (!detected && kind === 'gallery') {
      // The head without a possibly cut last character decides the markup rule; the rest is checked
      // as it streams.
      const text = sniffPlainText(first.subarray(0, utf8Boundary(first)), filename);
      if (!text) throw refused(kind);
      type = text;
      textCheck = new PlainTextCheck();
      textCheck.push(first);
    } else throw refused(kind);
  }
  const key = keyFor(randomUUID(), type.ext);
  async function* body(): AsyncGenerator<Uint8Array> {
    yield first;
    if (ended) return;
    for (;;) {
      const next = await iterator.next();
      if (next.done) break;
      textCheck?.push(next.value);
      yield next.value;
    }
    textCheck?.push(new Uint8Array(0), true);
  }
  // Served with the type of its extension (contentTypeOf), as local disk serves it.
  const size = await storage.saveStream(key, body());
  return { key, contentType: type.mime, ext: type.ext, size, originalName: filename };
}

/** Length of the longest prefix of `data` that does not end inside a UTF-8 sequence. */
function utf8Boundary(data: Uint8Array): number {
  let end = data.length;
  // Step back over continuation bytes (10xxxxxx) to the lead byte of the last sequence.
  let back = 0;
  while (back < 4 && end - back - 1 >= 0 && ((data[end - back - 1] ?? 0) & 0xc0) === 0x80) back++;
  const lead = data[end - back - 1];
  if (lead === undefined) return end;
  const need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  if (need > back + 1) end = end - back - 1;
  return end;
}

export interface StoredImage extends StoredUpload {
  /** The bytes as stored (metadata stripped, orientation applied), for the variant job. */
  image: { format: ImageFormat; data: Uint8Array; width: number; height: number };
}

/**
 * A picture or thumbnail: checked by its bytes (415), by its pixel count before any decode (413
 * IMAGE_TOO_LARGE over `maxPixels`) and by decoding it (415 CORRUPT_IMAGE), then stored without its
 * EXIF/XMP/IPTC metadata and with its orientation applied (shared/images.ts).
 */
export async function storeImage(
  storage: Storage,
  file: IncomingFile,
  maxPixels: number,
  keyFor: (id: string, ext: string) => string,
): Promise<StoredImage> {
  const { mime, ext } = await detectType(file, 'image');
  const prepared = await prepareImage(file.data, mime, maxPixels);
  const key = keyFor(randomUUID(), ext);
  await storage.save(key, prepared.data);
  return {
    key,
    contentType: mime,
    ext,
    size: prepared.data.length,
    originalName: file.filename,
    image: { format: prepared.format, data: prepared.data, width: prepared.width, height: prepared.height },
  };
}

/**
 * Runs `work` with a stored upload; if `work` fails, the file is removed so no orphan is left behind.
 */
export async function withUpload<T>(
  storage: Storage,
  upload: StoredUpload | null,
  work: () => Promise<T>,
): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (upload) await storage.delete(upload.key);
    throw error;
  }
}
