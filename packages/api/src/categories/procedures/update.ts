import { fail } from '../../errors.ts';
import { findCategoryBySlug, updateCategory } from '../../queries/categories.ts';
import { assertNameFree, isNameConflict, nameTakenError } from '../../services/categories.ts';
import { staffProcedure } from '../../trpc.ts';
import { categoryOutput, categoryUpdateInput } from './schemas.ts';

const updateProcedure = (method: 'PATCH' | 'PUT') =>
  staffProcedure
    .meta({
      openapi: {
        method,
        path: '/categories/{slug}',
        tags: ['categories'],
        summary: 'Update a category (staff)',
        description: 'Changes only the fields sent; the slug stays when the name changes.',
        protect: true,
      },
    })
    .input(categoryUpdateInput)
    .output(categoryOutput)
    .mutation(async ({ ctx, input }) => {
      const category = await findCategoryBySlug(ctx.db, input.slug);
      if (!category) throw fail.notFound();
      if (input.name !== undefined) await assertNameFree(ctx.db, input.name, category.id);
      try {
        return await updateCategory(ctx.db, category.id, {
          ...(input.name !== undefined ? { name: input.name } : {}),
          ...(input.description !== undefined ? { description: input.description } : {}),
        });
      } catch (error) {
        if (isNameConflict(error)) throw nameTakenError();
        throw error;
      }
    });

export const updateCategoryProcedure = updateProcedure('PATCH');
export const replaceCategoryProcedure = updateProcedure('PUT');
