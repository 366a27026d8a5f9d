import { authedProcedure } from '../../trpc.ts';
import { postOutput, revisionInput } from '../schemas.ts';
import { restorePostRevision } from '../service.ts';

export const restoreRevisionProcedure = authedProcedure
  .meta({
    openapi: {
      method: 'POST',
      path: '/posts/{slug}/revisions/{id}/restore',
      tags: ['posts'],
      summary: 'Restore a revision of a post',
      description:
        "Brings back the revision's title, body, excerpt, tags, categories (those that still exist), " +
        'thumbnail and published state, and records the restore as a new revision. Restoring a published ' +
        'state publishes the post now (cancelling a schedule). The author or staff.',
    },
    errors: { '403': { code: 'PERMISSION_DENIED', description: "Another user's published post." } },
  })
  .input(revisionInput)
  .output(postOutput)
  .mutation(({ ctx, input }) => restorePostRevision(ctx, input.slug, input.id));
