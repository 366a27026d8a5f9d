import { staffProcedure } from '../../trpc.ts';
import { categoryOutput, categoryUpdateInput } from '../schemas.ts';
import { updateCategory } from '../service.ts';

/** PATCH (and PUT, which the REST door serves alike): only the fields sent change. */
export const updateCategoryProcedure = staffProcedure
  .meta({
    openapi: {
      method: 'PATCH',
      path: '/categories/{slug}',
      tags: ['categories'],
      summary: 'Update a category (staff)',
      description: 'Changes only the fields sent; the slug stays when the name changes.',
    },
  })
  .input(categoryUpdateInput)
  .output(categoryOutput)
  .mutation(({ ctx, input }) => {
    const { slug, ...changes } = input;
    return updateCategory(ctx.db, slug, changes);
  });
