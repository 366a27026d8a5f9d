import { z } from 'zod';
import { fail } from '../../errors.ts';
import { deleteFileRow, lockFileById } from '../../queries/files.ts';
import { isStaff } from '../../services/access.ts';
import { parseFileId } from '../../services/files.ts';
import { authedProcedure } from '../../trpc.ts';
import { fileIdInput } from './schemas.ts';

export const deleteFileProcedure = authedProcedure
  .meta({
    openapi: {
      method: 'DELETE',
      path: '/files/{id}',
      tags: ['files'],
      summary: 'Delete a gallery file (uploader or staff)',
      description: 'The stored file is removed too.',
      protect: true,
    },
    successStatus: 204,
  })
  .input(fileIdInput)
  .output(z.void())
  .mutation(async ({ ctx, input }) => {
    const id = parseFileId(input.id);
    const key = await ctx.db.transaction().execute(async (tx) => {
      const file = await lockFileById(tx, id);
      if (!file) throw fail.notFound();
      if (file.uploaded_by !== ctx.user.id && !isStaff(ctx.user)) throw fail.forbidden();
      await deleteFileRow(tx, id);
      return file.file;
    });
    // Only once the row is gone: a failed delete never leaves a row pointing at a missing file.
    await ctx.services.storage.delete(key);
  });
