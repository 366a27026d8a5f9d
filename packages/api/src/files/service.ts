import { type AuthedContext, type Context, isStaff } from '../context.ts';
import { fail } from '../errors.ts';
import { recordEvents } from '../shared/events.ts';
import { type StoredUpload, withUpload } from '../shared/uploads.ts';
import { deleteFileRow, type FileRecord, findFileById, insertFile, lockFileById } from './queries.ts';
import { type GalleryFile, MAX_FILE_TITLE_LENGTH } from './schemas.ts';

/** A path id: digits only, else the file cannot exist (404, as for any unknown id). */
export function parseFileId(raw: string): number {
  const id = /^\d{1,9}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(id) || id < 1) throw fail.notFound();
  return id;
}

export function toGalleryFile(ctx: Pick<Context, 'services' | 'request'>, record: FileRecord): GalleryFile {
  return {
    id: record.id,
    title: record.title,
    file: ctx.services.storage.url(ctx.request.baseUrl, record.file),
    size: record.size,
    content_type: record.content_type,
    uploaded_by: record.uploaded_by,
    uploaded_at: record.uploaded_at,
  };
}

/**
 * Records a gallery file already checked against the allow-list by its bytes and stored as it arrived
 * (receiveUpload); `title` defaults to the original file name. Row and file together or neither.
 */
export async function uploadGalleryFile(
  ctx: AuthedContext,
  upload: StoredUpload,
  title: string | undefined,
): Promise<GalleryFile> {
  const storage = ctx.services.storage;
  const record = await withUpload(storage, upload, () =>
    ctx.db.transaction().execute(async (tx) => {
      const id = await insertFile(tx, {
        title: title || (upload.originalName.trim() || upload.key).slice(0, MAX_FILE_TITLE_LENGTH),
        file: upload.key,
        original_name: upload.originalName,
        size: upload.size,
        content_type: upload.contentType,
        uploaded_by: ctx.user.id,
      });
      const inserted = await findFileById(tx, id);
      if (!inserted) throw new Error(`file ${id} vanished inside its own transaction`);
      await recordEvents(tx, [{ type: 'file.created', slug: String(id), isPublic: true }]);
      return inserted;
    }),
  );
  return toGalleryFile(ctx, record);
}

/** Deletes a gallery file (uploader or staff): the row, then the stored file. */
export async function deleteGalleryFile(ctx: AuthedContext, rawId: string): Promise<void> {
  const id = parseFileId(rawId);
  const key = await ctx.db.transaction().execute(async (tx) => {
    const file = await lockFileById(tx, id);
    if (!file) throw fail.notFound();
    if (file.uploaded_by !== ctx.user.id && !isStaff(ctx.user)) throw fail.forbidden();
    await deleteFileRow(tx, id);
    await recordEvents(tx, [{ type: 'file.deleted', slug: String(id), isPublic: true }]);
    return file.file;
  });
  // Only once the row is gone: a failed delete never leaves a row pointing at a missing file.
  await ctx.services.storage.delete(key);
}
