import type { z } from 'zod';
import type { Context } from '../context.ts';
import { type FieldErrors, fail, zodFieldErrors } from '../errors.ts';
import { findFileById, insertFile } from '../queries/files.ts';
import { fileUploadFields, type GalleryFile, MAX_FILE_TITLE_LENGTH } from '../routers/files/schemas.ts';
import { appRouter } from '../routers/index.ts';
import { type Post, postCreateInput, postUpdateFields } from '../routers/posts/schemas.ts';
import { requireUser } from '../services/access.ts';
import { toGalleryFile } from '../services/files.ts';
import { createPost, updatePost } from '../services/posts.ts';
import { type IncomingFile, storeUpload, withUpload } from '../services/uploads.ts';
import { createCallerFactory } from '../trpc.ts';

/** A parsed multipart body, as the server's uploads plugin produces it. */
interface Multipart {
  fields: Record<string, string[]>;
  /** null: the file field was sent empty, meaning "remove". */
  files: Record<string, IncomingFile | null>;
}

const createCaller = createCallerFactory(appRouter);

const MULTIPART_TRUE = new Set(['true', '1', 'on']);
const MULTIPART_FALSE = new Set(['false', '0']);

const last = (values: string[] | undefined) => values?.[values.length - 1];

/** `tags`: one JSON list (`["a","b"]`), or the field repeated with one tag each. */
function readTags(values: string[], errors: FieldErrors): unknown {
  if (values.length !== 1) return values;
  const value = (values[0] ?? '').trim();
  if (value === '') return [];
  try {
    return JSON.parse(value);
  } catch {
    errors.tags = ['Send tags as a JSON list of strings, e.g. ["news","tech"].'];
    return undefined;
  }
}

/** `categories`: the field repeated with one id each, or one JSON list (`[1,2]`). */
function readCategories(values: string[], errors: FieldErrors): unknown {
  const single = values.length === 1 ? (values[0] ?? '').trim() : undefined;
  if (single === '') return [];
  if (single?.startsWith('[')) {
    try {
      return JSON.parse(single);
    } catch {
      errors.categories = ['Send categories as repeated id fields or a JSON list of ids.'];
      return undefined;
    }
  }
  const ids = values.map((v) => v.trim());
  if (!ids.every((v) => /^\d{1,9}$/.test(v))) {
    errors.categories = ['Send categories as repeated id fields or a JSON list of ids.'];
    return undefined;
  }
  return ids.map(Number);
}

/** The multipart text fields of a post, shaped as the JSON door receives them. */
function postFieldsFrom(payload: Multipart): { raw: Record<string, unknown>; errors: FieldErrors } {
  const raw: Record<string, unknown> = {};
  const errors: FieldErrors = {};
  for (const name of ['title', 'body', 'excerpt'] as const) {
    const value = last(payload.fields[name]);
    if (value !== undefined) raw[name] = value;
  }
  const published = last(payload.fields.is_published)?.trim().toLowerCase();
  if (published !== undefined) {
    if (MULTIPART_TRUE.has(published)) raw.is_published = true;
    else if (MULTIPART_FALSE.has(published)) raw.is_published = false;
    else errors.is_published = ['Must be true, false, 1, 0 or on.'];
  }
  const tags = payload.fields.tags;
  if (tags?.length) {
    const value = readTags(tags, errors);
    if (value !== undefined) raw.tags = value;
  }
  const categories = payload.fields.categories;
  if (categories?.length) {
    const value = readCategories(categories, errors);
    if (value !== undefined) raw.categories = value;
  }
  return { raw, errors };
}

/** The thumbnail part: a file, null (sent empty: remove), or undefined (not sent). */
function thumbnailFrom(payload: Multipart, errors: FieldErrors): IncomingFile | null | undefined {
  const file = payload.files.thumbnail;
  if (file && file.data.length === 0) {
    errors.thumbnail = ['The submitted file is empty.'];
    return undefined;
  }
  return file;
}

function parseOrThrow<S extends z.ZodType>(
  schema: S,
  raw: Record<string, unknown>,
  errors: FieldErrors,
): z.output<S> {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    for (const [field, messages] of Object.entries(zodFieldErrors(parsed.error))) {
      errors[field] = [...(errors[field] ?? []), ...messages];
    }
  }
  if (!parsed.success || Object.keys(errors).length > 0) throw fail.fields(errors);
  return parsed.data;
}

/** POST /api/posts with a JSON body: the tRPC procedure, through a server-side caller. */
export function createPostFromJson(ctx: Context, body: Record<string, unknown>): Promise<Post> {
  return createCaller(ctx).posts.create(
    body as Parameters<ReturnType<typeof createCaller>['posts']['create']>[0],
  );
}

/**
 * POST /api/posts as multipart: the JSON door's fields (`tags` a JSON string, `categories` repeated
 * fields or a JSON string, `is_published` true/false/1/0/on) and an optional `thumbnail` image.
 */
export async function createPostFromMultipart(rawCtx: Context, payload: Multipart): Promise<Post> {
  const ctx = requireUser(rawCtx);
  const { raw, errors } = postFieldsFrom(payload);
  const thumbnail = thumbnailFrom(payload, errors);
  const input = parseOrThrow(postCreateInput, raw, errors);
  return createPost(ctx, input, thumbnail ?? null);
}

/** PUT/PATCH /api/posts/:slug with a JSON body (both change only the fields sent). */
export function updatePostFromJson(
  ctx: Context,
  body: Record<string, unknown>,
  params: Record<string, string>,
  method: 'PUT' | 'PATCH',
): Promise<Post> {
  const caller = createCaller(ctx);
  const input = { ...body, slug: params.slug ?? '' } as Parameters<typeof caller.posts.update>[0];
  return method === 'PUT' ? caller.posts.replace(input) : caller.posts.update(input);
}

/** PUT/PATCH /api/posts/:slug as multipart: a new `thumbnail` replaces the picture; an empty one removes it. */
export async function updatePostFromMultipart(
  rawCtx: Context,
  payload: Multipart,
  params: Record<string, string>,
): Promise<Post> {
  const ctx = requireUser(rawCtx);
  const { raw, errors } = postFieldsFrom(payload);
  const thumbnail = thumbnailFrom(payload, errors);
  const fields = parseOrThrow(postUpdateFields, raw, errors);
  return updatePost(ctx, params.slug ?? '', fields, thumbnail);
}

/**
 * POST /api/files: a `file` part checked against the gallery's allow-list by its bytes, and an
 * optional `title` (the original file name when absent or blank). Row and file together or neither.
 */
export async function uploadGalleryFile(rawCtx: Context, payload: Multipart): Promise<GalleryFile> {
  const ctx = requireUser(rawCtx);
  const errors: FieldErrors = {};
  const file = payload.files.file;
  if (!file) errors.file = ['No file was submitted.'];
  else if (file.data.length === 0) errors.file = ['The submitted file is empty.'];
  const title = last(payload.fields.title);
  const fields = parseOrThrow(fileUploadFields, title === undefined ? {} : { title }, errors);
  if (!file) throw fail.fields(errors);

  const storage = ctx.services.storage;
  const upload = await storeUpload(storage, file, 'gallery', (id, ext) => `file_gallery/${id}.${ext}`);
  const record = await withUpload(storage, upload, () =>
    ctx.db.transaction().execute(async (tx) => {
      const id = await insertFile(tx, {
        title: fields.title || (file.filename.trim() || upload.key).slice(0, MAX_FILE_TITLE_LENGTH),
        file: upload.key,
        original_name: file.filename,
        size: upload.size,
        content_type: upload.contentType,
        uploaded_by: ctx.user.id,
      });
      const inserted = await findFileById(tx, id);
      if (!inserted) throw new Error(`file ${id} vanished inside its own transaction`);
      return inserted;
    }),
  );
  return toGalleryFile(ctx, record);
}
