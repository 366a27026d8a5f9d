import { paginate } from '../../shared/pagination.ts';
import { staffProcedure } from '../../trpc.ts';
import { listDeletedPosts } from '../queries.ts';
import { trashInput, trashPageOutput } from '../schemas.ts';
import { toPostSummary } from '../service.ts';

export const listTrashProcedure = staffProcedure
  .meta({
    openapi: {
      method: 'GET',
      path: '/posts/trash',
      tags: ['posts'],
      summary: 'List deleted posts (staff)',
      description: 'Most recently deleted first.',
    },
  })
  .input(trashInput)
  .output(trashPageOutput)
  .query(async ({ ctx, input }) => {
    const page = await paginate(ctx, {
      restPath: '/api/posts/trash/',
      input,
      load: (window) => listDeletedPosts(ctx.db, window),
    });
    return { ...page, results: page.results.map((record) => toPostSummary(ctx, record)) };
  });
