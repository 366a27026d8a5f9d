import { z } from 'zod';
import { pageOf, pageParams } from '../shared/pagination.ts';
import { bool, queryBool, rowId, slugParam, userRef } from '../shared/schemas.ts';

export const POST_ORDERINGS = [
  'created_at',
  '-created_at',
  'title',
  '-title',
  'published_at',
  '-published_at',
] as const;
export type PostOrdering = (typeof POST_ORDERINGS)[number];

export const MAX_TITLE_LENGTH = 250;
export const MAX_BODY_BYTES = 1024 * 1024;
export const MAX_EXCERPT_LENGTH = 1000;
export const MAX_TAGS = 20;
export const MAX_TAG_LENGTH = 50;

/**
 * Tags as stored: trimmed, empty ones dropped, de-duplicated case-insensitively keeping the first
 * spelling, in the order given. A string is the error message (too many, or one too long).
 */
export function normalizeTags(tags: readonly string[]): string[] | string {
  const seen = new Set<string>();
  const result: string[] = [];
  for (const raw of tags) {
    const tag = raw.trim();
    if (tag.length > MAX_TAG_LENGTH) return `Ensure each tag has no more than ${MAX_TAG_LENGTH} characters.`;
    const key = tag.toLowerCase();
    if (tag === '' || seen.has(key)) continue;
    seen.add(key);
    result.push(tag);
  }
  if (result.length > MAX_TAGS) return `Ensure there are no more than ${MAX_TAGS} tags.`;
  return result;
}

export const tagsInput = z
  .array(z.string({ error: 'Each tag must be a string.' }), { error: 'Expected a list of tags.' })
  .transform((tags, ctx) => {
    const result = normalizeTags(tags);
    if (typeof result === 'string') {
      ctx.addIssue({ code: 'custom', message: result, input: tags });
      return z.NEVER;
    }
    return result;
  })
  .meta({ description: `Up to ${MAX_TAGS} tags of at most ${MAX_TAG_LENGTH} characters.` });

/** Category ids (a category object `{id, …}` as returned by GET is accepted too, so a post can be PUT back). */
export const categoryIdsInput = z
  .array(z.union([rowId(), z.object({ id: rowId() })], { error: 'Expected a category id.' }), {
    error: 'Expected a list of category ids.',
  })
  .transform((items) => [...new Set(items.map((item) => (typeof item === 'number' ? item : item.id)))])
  .meta({ description: 'Category ids.' });

const title = z
  .string()
  .trim()
  .min(1, 'This field may not be blank.')
  .max(MAX_TITLE_LENGTH, `Ensure this field has no more than ${MAX_TITLE_LENGTH} characters.`);

const body = z
  .string()
  .refine(
    (html) => html.length <= MAX_BODY_BYTES && Buffer.byteLength(html, 'utf8') <= MAX_BODY_BYTES,
    'Ensure the body is at most 1 MiB.',
  )
  .meta({ description: 'HTML; sanitised on write.' });

const postFields = {
  title,
  body,
  excerpt: z
    .string()
    .max(MAX_EXCERPT_LENGTH, `Ensure this field has no more than ${MAX_EXCERPT_LENGTH} characters.`)
    .meta({ description: 'Plain text; empty means "computed from the body".' }),
  tags: tagsInput,
  categories: categoryIdsInput,
  is_published: bool(),
  thumbnail: z.string().nullable().meta({
    description: 'JSON: null or "" removes the thumbnail; a URL is ignored. Upload one by multipart.',
  }),
};

export const postCreateInput = z.object({
  title: postFields.title,
  body: postFields.body.optional(),
  excerpt: postFields.excerpt.optional(),
  tags: postFields.tags.optional(),
  categories: postFields.categories.optional(),
  is_published: postFields.is_published.optional(),
  thumbnail: postFields.thumbnail.optional(),
});
export type PostCreateInput = z.output<typeof postCreateInput>;

/** PUT and PATCH both change only the fields sent. */
export const postUpdateFields = postCreateInput.partial();
export const postUpdateInput = postUpdateFields.extend({ slug: slugParam() });
export type PostUpdateFields = z.output<typeof postUpdateFields>;

export const slugInput = z.object({ slug: slugParam() });

export const postListInput = z.object({
  ...pageParams,
  is_published: queryBool().optional(),
  categories: z.string().optional().meta({ description: 'A category slug.' }),
  author: z.string().optional().meta({ description: "The author's user slug." }),
  tag: z.string().optional().meta({ description: 'A tag, matched case-insensitively.' }),
  search: z.string().optional().meta({
    description: 'Words of the title or body (web search syntax); ranked unless `ordering` is given.',
  }),
  ordering: z.enum(POST_ORDERINGS).optional(),
});

export const trashInput = z.object({ ...pageParams });

export const categoryRefOutput = z
  .object({ id: z.number().int(), name: z.string(), slug: z.string() })
  .meta({ id: 'CategoryRef' });
export type CategoryRef = z.infer<typeof categoryRefOutput>;

const head = {
  id: z.number().int(),
  title: z.string(),
  slug: z.string(),
};
const rest = {
  excerpt: z.string(),
  tags: z.array(z.string()),
  categories: z.array(categoryRefOutput),
  thumbnail: z.string().nullable().meta({ description: 'Absolute URL.' }),
  author: userRef,
  is_published: z.boolean(),
  published_at: z.date().nullable(),
  created_at: z.date(),
  updated_at: z.date(),
};

export const postOutput = z.object({ ...head, body: z.string(), ...rest }).meta({ id: 'Post' });
export const postSummaryOutput = z.object({ ...head, ...rest }).meta({ id: 'PostSummary' });
export const postPageOutput = pageOf(postSummaryOutput, 'PostPage');

export type Post = z.infer<typeof postOutput>;
export type PostSummary = z.infer<typeof postSummaryOutput>;
