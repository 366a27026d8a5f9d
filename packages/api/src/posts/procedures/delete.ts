import { z } from 'zod';
import { authedProcedure } from '../../trpc.ts';
import { slugInput } from '../schemas.ts';
import { deletePost } from '../service.ts';

export const deletePostProcedure = authedProcedure
  .meta({
    openapi: {
      method: 'DELETE',
      path: '/posts/{slug}',
      tags: ['posts'],
      summary: 'Delete a post (soft)',
      description: 'Moves the post to the trash and unpublishes it; restore brings it back as a draft.',
    },
    successStatus: 204,
    errors: { '403': { code: 'PERMISSION_DENIED', description: "Another user's published post." } },
  })
  .input(slugInput)
  .output(z.void())
  .mutation(({ ctx, input }) => deletePost(ctx, input.slug));
