import { createCategory, isNameConflict, nameTakenError } from '../../services/categories.ts';
import { staffProcedure } from '../../trpc.ts';
import { categoryCreateInput, categoryOutput } from './schemas.ts';

export const createCategoryProcedure = staffProcedure
  .meta({
    openapi: {
      method: 'POST',
      path: '/categories',
      tags: ['categories'],
      summary: 'Create a category (staff)',
      description: 'The slug comes from the name (`-2`, `-3`… on collision) and never changes.',
      protect: true,
    },
    successStatus: 201,
  })
  .input(categoryCreateInput)
  .output(categoryOutput)
  .mutation(async ({ ctx, input }) => {
    try {
      return await createCategory(ctx.db, input);
    } catch (error) {
      if (isNameConflict(error)) throw nameTakenError();
      throw error;
    }
  });
