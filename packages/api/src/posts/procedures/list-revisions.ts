import { paginate } from '../../shared/pagination.ts';
import { authedProcedure } from '../../trpc.ts';
import { postsExamples } from '../examples.ts';
import { revisionListInput, revisionPageOutput } from '../schemas.ts';
import { listPostRevisions } from '../service.ts';

export const listRevisionsProcedure = authedProcedure
  .meta({
    openapi: {
      method: 'GET',
      path: '/posts/{slug}/revisions',
      tags: ['posts'],
      summary: "List a post's revisions",
      description:
        'Newest first, without bodies. Each revision is the post as one write left it (create, update, ' +
        'restore, scheduled publish) with who wrote it and when; the newest is the current state. The ' +
        "author or staff: another user's published post is 403, their draft or a deleted post 404.",
    },
    errors: { '403': { code: 'PERMISSION_DENIED', description: "Another user's published post." } },
    examples: postsExamples.listRevisions,
  })
  .input(revisionListInput)
  .output(revisionPageOutput)
  .query(({ ctx, input }) =>
    paginate(ctx, {
      restPath: `/api/posts/${encodeURIComponent(input.slug)}/revisions/`,
      input: { page: input.page, page_size: input.page_size },
      load: (window) => listPostRevisions(ctx, input.slug, window),
    }),
  );
