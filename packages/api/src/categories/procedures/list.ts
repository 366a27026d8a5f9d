import { z } from 'zod';
import { listCategories } from '../../queries/categories.ts';
import { publicProcedure } from '../../trpc.ts';
import { categoryOutput } from './schemas.ts';

export const listCategoriesProcedure = publicProcedure
  .meta({
    openapi: {
      method: 'GET',
      path: '/categories',
      tags: ['categories'],
      summary: 'List categories',
      description: 'Every category, ordered by name (not paginated).',
      protect: false,
    },
  })
  .input(z.void())
  .output(z.array(categoryOutput))
  .query(({ ctx }) => listCategories(ctx.db));
