import { createPost } from '../../services/posts.ts';
import { authedProcedure } from '../../trpc.ts';
import { postCreateInput, postOutput } from './schemas.ts';

export const createPostProcedure = authedProcedure
  .meta({
    openapi: {
      method: 'POST',
      path: '/posts',
      tags: ['posts'],
      summary: 'Create a post',
      protect: true,
    },
    successStatus: 201,
  })
  .input(postCreateInput)
  .output(postOutput)
  .mutation(({ ctx, input }) => createPost(ctx, input));
