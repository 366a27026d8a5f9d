import { fail } from '../../errors.ts';
import { findCategoryBySlug } from '../../queries/categories.ts';
import { publicProcedure } from '../../trpc.ts';
import { categoryOutput, categorySlugInput } from './schemas.ts';

export const getCategoryProcedure = publicProcedure
  .meta({
    openapi: {
      method: 'GET',
      path: '/categories/{slug}',
      tags: ['categories'],
      summary: 'Read a category',
      protect: false,
    },
  })
  .input(categorySlugInput)
  .output(categoryOutput)
  .query(async ({ ctx, input }) => {
    const category = await findCategoryBySlug(ctx.db, input.slug);
    if (!category) throw fail.notFound();
    return category;
  });
