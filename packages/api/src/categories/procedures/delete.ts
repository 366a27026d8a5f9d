import { z } from 'zod';
import { staffProcedure } from '../../trpc.ts';
import { categorySlugInput } from '../schemas.ts';
import { deleteCategory } from '../service.ts';

export const deleteCategoryProcedure = staffProcedure
  .meta({
    openapi: {
      method: 'DELETE',
      path: '/categories/{slug}',
      tags: ['categories'],
      summary: 'Delete a category (staff)',
      description: 'Its posts stay; they simply lose this category.',
    },
    successStatus: 204,
  })
  .input(categorySlugInput)
  .output(z.void())
  .mutation(({ ctx, input }) => deleteCategory(ctx.db, input.slug));
