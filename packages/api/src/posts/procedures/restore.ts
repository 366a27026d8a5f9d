import { authedProcedure } from '../../trpc.ts';
import { postOutput, slugInput } from '../schemas.ts';
import { restorePost } from '../service.ts';

export const restorePostProcedure = authedProcedure
  .meta({
    openapi: {
      method: 'POST',
      path: '/posts/{slug}/restore',
      tags: ['posts'],
      summary: 'Restore a deleted post',
      description:
        "Back as a draft. Owner or staff; a post that is not deleted, or (for non-staff) another user's, is 404.",
    },
  })
  .input(slugInput)
  .output(postOutput)
  .mutation(({ ctx, input }) => restorePost(ctx, input.slug));
