import { z } from 'zod';
import { fail } from '../../errors.ts';
import { deleteCategoryBySlug } from '../../queries/categories.ts';
import { staffProcedure } from '../../trpc.ts';
import { categorySlugInput } from './schemas.ts';

export const deleteCategoryProcedure = staffProcedure
  .meta({
    openapi: {
      method: 'DELETE',
      path: '/categories/{slug}',
      tags: ['categories'],
      summary: 'Delete a category (staff)',
      description: 'Its posts stay; they simply lose this category.',
      protect: true,
    },
    successStatus: 204,
  })
  .input(categorySlugInput)
  .output(z.void())
  .mutation(async ({ ctx, input }) => {
    if (!(await deleteCategoryBySlug(ctx.db, input.slug))) throw fail.notFound();
  });
