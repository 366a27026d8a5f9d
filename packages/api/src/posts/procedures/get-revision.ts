import { authedProcedure } from '../../trpc.ts';
import { postsExamples } from '../examples.ts';
import { revisionInput, revisionOutput } from '../schemas.ts';
import { getPostRevision } from '../service.ts';

export const getRevisionProcedure = authedProcedure
  .meta({
    openapi: {
      method: 'GET',
      path: '/posts/{slug}/revisions/{id}',
      tags: ['posts'],
      summary: 'Read one revision of a post',
      description: 'With its body (compare two revisions to see what a write changed). The author or staff.',
    },
    errors: { '403': { code: 'PERMISSION_DENIED', description: "Another user's published post." } },
    examples: postsExamples.getRevision,
  })
  .input(revisionInput)
  .output(revisionOutput)
  .query(({ ctx, input }) => getPostRevision(ctx, input.slug, input.id));
