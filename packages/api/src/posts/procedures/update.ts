import { updatePost } from '../../services/posts.ts';
import { authedProcedure } from '../../trpc.ts';
import { postOutput, postUpdateInput } from './schemas.ts';

const description =
  'Changes only the fields sent (PUT and PATCH alike); the slug stays. Owner or staff: another ' +
  "user's published post is 403, their draft or any deleted post 404.";

const updateProcedure = (method: 'PATCH' | 'PUT') =>
  authedProcedure
    .meta({
      openapi: {
        method,
        path: '/posts/{slug}',
        tags: ['posts'],
        summary: 'Update a post',
        description,
        protect: true,
      },
    })
    .input(postUpdateInput)
    .output(postOutput)
    .mutation(({ ctx, input }) => {
      const { slug, ...fields } = input;
      return updatePost(ctx, slug, fields);
    });

export const updatePostProcedure = updateProcedure('PATCH');
export const replacePostProcedure = updateProcedure('PUT');
