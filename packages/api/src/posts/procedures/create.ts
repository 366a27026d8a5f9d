import { authedProcedure } from '../../trpc.ts';
import { postsExamples } from '../examples.ts';
import { postCreateInput, postOutput } from '../schemas.ts';
import { createPost } from '../service.ts';

export const createPostProcedure = authedProcedure
  .meta({
    openapi: {
      method: 'POST',
      path: '/posts',
      tags: ['posts'],
      summary: 'Create a post, optionally with a thumbnail',
      description:
        'JSON, or multipart with a `thumbnail` image (`tags` as a JSON string; `categories` as repeated ' +
        'fields or a JSON string). The body is sanitised; the excerpt is computed from it unless one is sent.',
    },
    successStatus: 201,
    examples: postsExamples.create,
  })
  .input(postCreateInput)
  .output(postOutput)
  .mutation(({ ctx, input }) => createPost(ctx, input));
