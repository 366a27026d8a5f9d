import { fail } from '../../errors.ts';
import { publicProcedure } from '../../trpc.ts';
import { findCategoryBySlug } from '../queries.ts';
import { categoryOutput, categorySlugInput } from '../schemas.ts';

export const getCategoryProcedure = publicProcedure
  .meta({
    openapi: { method: 'GET', path: '/categories/{slug}', tags: ['categories'], summary: 'Read a category' },
  })
  .input(categorySlugInput)
  .output(categoryOutput)
  .query(async ({ ctx, input }) => {
    const category = await findCategoryBySlug(ctx.db, input.slug);
    if (!category) throw fail.notFound();
    return category;
  });
