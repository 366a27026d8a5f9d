import { fail } from '../../errors.ts';
import { authedProcedure } from '../../trpc.ts';
import { postsExamples } from '../examples.ts';
import { findPostBySlug } from '../queries.ts';
import { postOutput, slugInput } from '../schemas.ts';
import { canRead, toPost } from '../service.ts';

export const getPostProcedure = authedProcedure
  .meta({
    openapi: {
      method: 'GET',
      path: '/posts/{slug}',
      tags: ['posts'],
      summary: 'Read a post',
      description: 'A draft only for its author or staff (404 otherwise).',
    },
    examples: postsExamples.get,
  })
  .input(slugInput)
  .output(postOutput)
  .query(async ({ ctx, input }) => {
    const post = await findPostBySlug(ctx.db, input.slug);
    if (!post || !canRead(ctx.user, post)) throw fail.notFound();
    return toPost(ctx, post);
  });
