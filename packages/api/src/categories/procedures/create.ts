import { staffProcedure } from '../../trpc.ts';
import { categoriesExamples } from '../examples.ts';
import { categoryCreateInput, categoryOutput } from '../schemas.ts';
import { createCategory } from '../service.ts';

export const createCategoryProcedure = staffProcedure
  .meta({
    openapi: {
      method: 'POST',
      path: '/categories',
      tags: ['categories'],
      summary: 'Create a category (staff)',
      description: 'The slug comes from the name (`-2`, `-3`… on collision) and never changes.',
    },
    successStatus: 201,
    examples: categoriesExamples.create,
  })
  .input(categoryCreateInput)
  .output(categoryOutput)
  .mutation(({ ctx, input }) => createCategory(ctx.db, input));
