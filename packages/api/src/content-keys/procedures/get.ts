import { staffProcedure } from '../../trpc.ts';
import { contentKeyIdInput, contentKeyOutput } from '../schemas.ts';
import { getContentKey } from '../service.ts';

export const getContentKeyProcedure = staffProcedure
  .meta({
    openapi: {
      method: 'GET',
      path: '/content-keys/{id}',
      tags: ['content-keys'],
      summary: 'Read a content key (staff)',
      description: 'Its name, prefix, creator, dates and last use; never the key itself.',
    },
  })
  .input(contentKeyIdInput)
  .output(contentKeyOutput)
  .query(({ ctx, input }) => getContentKey(ctx, input.id));
