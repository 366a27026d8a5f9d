import { fail } from '../../errors.ts';
import { findPostBySlug } from '../../queries/posts.ts';
import { canRead, toPost } from '../../services/posts.ts';
import { authedProcedure } from '../../trpc.ts';
import { postOutput, slugInput } from './schemas.ts';

export const getPostProcedure = authedProcedure
  .meta({
    openapi: {
      method: 'GET',
      path: '/posts/{slug}',
      tags: ['posts'],
      summary: 'Read a post',
      description: 'A draft only for its author or staff (404 otherwise).',
      protect: true,
    },
  })
  .input(slugInput)
  .output(postOutput)
  .query(async ({ ctx, input }) => {
    const post = await findPostBySlug(ctx.db, input.slug);
    if (!post || !canRead(ctx.user, post)) throw fail.notFound();
    return toPost(ctx, post);
  });
