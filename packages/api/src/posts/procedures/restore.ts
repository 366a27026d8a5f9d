import { fail } from '../../errors.ts';
import { findPostById, lockPostBySlug, restorePost } from '../../queries/posts.ts';
import { isStaff } from '../../services/access.ts';
import { toPost } from '../../services/posts.ts';
import { authedProcedure } from '../../trpc.ts';
import { postOutput, slugInput } from './schemas.ts';

export const restorePostProcedure = authedProcedure
  .meta({
    openapi: {
      method: 'POST',
      path: '/posts/{slug}/restore',
      tags: ['posts'],
      summary: 'Restore a deleted post',
      description:
        "Back as a draft. Owner or staff; a post that is not deleted, or (for non-staff) another user's, is 404.",
      protect: true,
    },
  })
  .input(slugInput)
  .output(postOutput)
  .mutation(async ({ ctx, input }) => {
    const record = await ctx.db.transaction().execute(async (tx) => {
      const post = await lockPostBySlug(tx, input.slug);
      if (!post?.is_deleted || (post.author_id !== ctx.user.id && !isStaff(ctx.user))) throw fail.notFound();
      await restorePost(tx, post.id);
      return findPostById(tx, post.id);
    });
    if (!record) throw fail.notFound();
    return toPost(ctx, record);
  });
