import type { Context } from '../context.ts';
import { fail } from '../errors.ts';
import type { FileRecord } from '../queries/files.ts';

/** A path id: digits only, else the file cannot exist (404, as for any unknown id). */
export function parseFileId(raw: string): number {
  const id = /^\d{1,9}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(id) || id < 1) throw fail.notFound();
  return id;
}

export function toGalleryFile(ctx: Pick<Context, 'services' | 'request'>, record: FileRecord) {
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
