import { z } from 'zod';
import { lockPostBySlug, softDeletePost } from '../../queries/posts.ts';
import { assertCanChange } from '../../services/posts.ts';
import { authedProcedure } from '../../trpc.ts';
import { slugInput } from './schemas.ts';

export const deletePostProcedure = authedProcedure
  .meta({
    openapi: {
      method: 'DELETE',
      path: '/posts/{slug}',
      tags: ['posts'],
      summary: 'Delete a post (soft)',
      description: 'Moves the post to the trash and unpublishes it; restore brings it back as a draft.',
      protect: true,
    },
    successStatus: 204,
  })
  .input(slugInput)
  .output(z.void())
  .mutation(async ({ ctx, input }) => {
    await ctx.db.transaction().execute(async (tx) => {
      const post = assertCanChange(ctx.user, await lockPostBySlug(tx, input.slug));
      await softDeletePost(tx, post.id);
    });
  });
