import { z } from 'zod';
import { slugParam } from '../shared/schemas.ts';

export const MAX_NAME_LENGTH = 100;

const name = z
  .string()
  .trim()
  .min(1, 'This field may not be blank.')
  .max(MAX_NAME_LENGTH, `Ensure this field has no more than ${MAX_NAME_LENGTH} characters.`);
const description = z.string().max(10_000, 'Ensure this field has no more than 10000 characters.');

export const categoryCreateInput = z.object({ name, description: description.optional() });
/** PUT and PATCH both change only the fields sent; the slug stays. */
export const categoryUpdateInput = z.object({
  slug: slugParam(),
  name: name.optional(),
  description: description.optional(),
});
export const categorySlugInput = z.object({ slug: slugParam() });

export const categoryOutput = z
  .object({ id: z.number().int(), name: z.string(), slug: z.string(), description: z.string() })
  .meta({ id: 'Category' });
export type Category = z.infer<typeof categoryOutput>;
