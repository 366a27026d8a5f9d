import { fail } from '../../errors.ts';
import { findFileById } from '../../queries/files.ts';
import { parseFileId, toGalleryFile } from '../../services/files.ts';
import { authedProcedure } from '../../trpc.ts';
import { fileIdInput, fileOutput } from './schemas.ts';

export const getFileProcedure = authedProcedure
  .meta({
    openapi: {
      method: 'GET',
      path: '/files/{id}',
      tags: ['files'],
      summary: 'Read a gallery file',
      protect: true,
    },
  })
  .input(fileIdInput)
  .output(fileOutput)
  .query(async ({ ctx, input }) => {
    const file = await findFileById(ctx.db, parseFileId(input.id));
    if (!file) throw fail.notFound();
    return toGalleryFile(ctx, file);
  });
