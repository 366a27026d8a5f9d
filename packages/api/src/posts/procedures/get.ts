import { fail } from '../../errors.ts';
import { readerProcedure } from '../../trpc.ts';
import { postsExamples } from '../examples.ts';
import { findPostBySlug } from '../queries.ts';
import { postOutput, slugInput } from '../schemas.ts';
import { canRead, toPost } from '../service.ts';

export const getPostProcedure = readerProcedure
  .meta({
    openapi: {
      method: 'GET',
      path: '/posts/{slug}',
      tags: ['posts'],
      summary: 'Read a post',
      description:
        'A draft only for its author or staff (404 otherwise: for a content key or an anonymous reader, ' +
        'a draft is as absent as a slug that never existed).',
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
