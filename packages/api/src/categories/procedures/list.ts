import { z } from 'zod';
import { publicProcedure } from '../../trpc.ts';
import { categoriesExamples } from '../examples.ts';
import { listCategories } from '../queries.ts';
import { categoryOutput } from '../schemas.ts';

export const listCategoriesProcedure = publicProcedure
  .meta({
    openapi: {
      method: 'GET',
      path: '/categories',
      tags: ['categories'],
      summary: 'List categories',
      description: 'Every category, ordered by name (not paginated).',
    },
    examples: categoriesExamples.list,
  })
  .input(z.void())
  .output(z.array(categoryOutput))
  .query(({ ctx }) => listCategories(ctx.db));
