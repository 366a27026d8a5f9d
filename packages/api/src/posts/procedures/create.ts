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
    errors: {
      '413': {
        code: 'IMAGE_TOO_LARGE',
        description: 'The thumbnail has more pixels than IMAGE_MAX_PIXELS (multipart)',
      },
      '415': {
        code: 'CORRUPT_IMAGE',
        description: 'The thumbnail looks like an image but does not decode (multipart)',
      },
    },
    examples: postsExamples.create,
  })
  .input(postCreateInput)
  .output(postOutput)
  .mutation(({ ctx, input }) => createPost(ctx, input));
