import { authedProcedure } from '../../trpc.ts';
import { postOutput, postUpdateInput } from '../schemas.ts';
import { updatePost } from '../service.ts';

/** PATCH (and PUT, which the REST door serves alike): only the fields sent change. */
export const updatePostProcedure = authedProcedure
  .meta({
    openapi: {
      method: 'PATCH',
      path: '/posts/{slug}',
      tags: ['posts'],
      summary: 'Update a post, optionally with a new thumbnail',
      description:
        'Changes only the fields sent (PUT and PATCH alike); the slug stays. Owner or staff: another ' +
        "user's published post is 403, their draft or any deleted post 404. In multipart, a new " +
        '`thumbnail` replaces the picture and an empty value removes it; in JSON, `thumbnail: null` or `""` ' +
        'removes it and a URL is ignored.',
    },
    errors: {
      '403': { code: 'PERMISSION_DENIED', description: "Another user's published post." },
      '413': {
        code: 'IMAGE_TOO_LARGE',
        description: 'The thumbnail has more pixels than IMAGE_MAX_PIXELS (multipart)',
      },
      '415': {
        code: 'CORRUPT_IMAGE',
        description: 'The thumbnail looks like an image but does not decode (multipart)',
      },
    },
  })
  .input(postUpdateInput)
  .output(postOutput)
  .mutation(({ ctx, input }) => {
    const { slug, ...fields } = input;
    return updatePost(ctx, slug, fields);
  });
