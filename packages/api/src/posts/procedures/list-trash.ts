import { paginate } from '../../pagination.ts';
import { listDeletedPosts } from '../../queries/posts.ts';
import { toPostSummary } from '../../services/posts.ts';
import { staffProcedure } from '../../trpc.ts';
import { postPageOutput, trashInput } from './schemas.ts';

export const trashProcedure = staffProcedure
  .meta({
    openapi: {
      method: 'GET',
      path: '/posts/trash',
      tags: ['posts'],
      summary: 'List deleted posts (staff)',
      description: 'Most recently deleted first.',
      protect: true,
    },
  })
  .input(trashInput)
  .output(postPageOutput)
  .query(async ({ ctx, input }) => {
    const page = await paginate(ctx, {
      restPath: '/api/posts/trash/',
      input,
      load: (window) => listDeletedPosts(ctx.db, window),
    });
    return { ...page, results: page.results.map((record) => toPostSummary(ctx, record)) };
  });
