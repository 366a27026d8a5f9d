import { z } from 'zod';
import { authedProcedure } from '../../trpc.ts';
import { fileIdInput } from '../schemas.ts';
import { deleteGalleryFile } from '../service.ts';

export const deleteFileProcedure = authedProcedure
  .meta({
    openapi: {
      method: 'DELETE',
      path: '/files/{id}',
      tags: ['files'],
      summary: 'Delete a gallery file (uploader or staff)',
      description: 'The stored file is removed too.',
    },
    successStatus: 204,
    errors: { '403': { code: 'PERMISSION_DENIED', description: 'Neither the uploader nor staff.' } },
  })
  .input(fileIdInput)
  .output(z.void())
  .mutation(({ ctx, input }) => deleteGalleryFile(ctx, input.id));
