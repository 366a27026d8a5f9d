import { fail } from '../../errors.ts';
import { readerProcedure } from '../../trpc.ts';
import { filesExamples } from '../examples.ts';
import { findFileById } from '../queries.ts';
import { fileIdInput, fileOutput } from '../schemas.ts';
import { parseFileId, toGalleryFile } from '../service.ts';

export const getFileProcedure = readerProcedure
  .meta({
    openapi: { method: 'GET', path: '/files/{id}', tags: ['files'], summary: 'Read a gallery file' },
    examples: filesExamples.get,
  })
  .input(fileIdInput)
  .output(fileOutput)
  .query(async ({ ctx, input }) => {
    const file = await findFileById(ctx.db, parseFileId(input.id));
    if (!file) throw fail.notFound();
    return toGalleryFile(ctx, file);
  });
