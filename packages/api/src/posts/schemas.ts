import { z } from 'zod';
import { imageVariantsField } from '../shared/image-variant-schema.ts';
import { cursorPageOf, cursorParam, pageOf, pageParams } from '../shared/pagination.ts';
import { bool, queryBool, queryInt, rowId, slugParam, userRef } from '../shared/schemas.ts';

export const POST_ORDERINGS = [
  'created_at',
  '-created_at',
  'title',
  '-title',
  'published_at',
  '-published_at',
] as const;
export type PostOrdering = (typeof POST_ORDERINGS)[number];

/* Keyset pagination's sort keys (encoded as cursors by cursor.ts). */

/** The order a list runs in: one of `ordering`, or `rank` (the default while searching). */
export type ListOrder = PostOrdering | 'rank';

export function listOrder(ordering: PostOrdering | undefined, search: string | undefined): ListOrder {
  return ordering ?? (search === undefined ? '-created_at' : 'rank');
}

/** A timestamp as PostgreSQL writes it in JSON (microseconds kept: a JS Date would lose them). */
const timestamp = z.string().regex(/^\d{4,}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?(Z|[+-]\d\d(:\d\d)?)$/);
const id = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER);

/** The sort key's shape for each order: what the list sorts by, the row id last. */
export const sortKeys = {
  created_at: z.tuple([timestamp, id]),
  '-created_at': z.tuple([timestamp, id]),
  title: z.tuple([z.string().max(1000), id]),
  '-title': z.tuple([z.string().max(1000), id]),
  published_at: z.tuple([timestamp.nullable(), id]),
  '-published_at': z.tuple([timestamp.nullable(), id]),
  rank: z.tuple([z.boolean(), z.number().min(0).max(1e6), timestamp, id]),
} satisfies Record<ListOrder, z.ZodType<unknown[]>>;

export type SortKey = z.infer<(typeof sortKeys)[ListOrder]>;

export const MAX_TITLE_LENGTH = 250;
export const MAX_BODY_BYTES = 1024 * 1024;
export const MAX_EXCERPT_LENGTH = 1000;
export const MAX_TAGS = 20;
export const MAX_TAG_LENGTH = 50;
/** How far ahead a post may be scheduled. */
export const MAX_SCHEDULE_DAYS = 3660;

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

const DATE_TIME_HINT = 'Enter a date and time in ISO 8601 with a time zone, e.g. 2026-12-24T09:00:00Z.';

/**
 * When a draft is to be published: a Date on the typed door, ISO 8601 text with a time zone on REST
 * and in multipart; null (or "") cancels the schedule. It must lie in the future (checked against this
 * server's clock when the request is read) and at most MAX_SCHEDULE_DAYS ahead. The declared type is
 * what TypeScript callers see; the runtime schema also takes the text REST sends (the cast says so).
 */
export const publishAtInput = z
  .union([z.date(), z.iso.datetime({ offset: true }), z.literal(''), z.null()], { error: DATE_TIME_HINT })
  // What REST clients send: the document describes the text, not the typed door's Date.
  .meta({ override: { type: ['string', 'null'], format: 'date-time', anyOf: undefined } })
  .transform((value, ctx) => {
    if (value === null || value === '') return null;
    const at = typeof value === 'string' ? new Date(value) : value;
    const now = Date.now();
    if (at.getTime() <= now) {
      ctx.addIssue({ code: 'custom', message: 'Ensure this time is in the future.', input: value });
      return z.NEVER;
    }
    if (at.getTime() > now + MAX_SCHEDULE_DAYS * 86_400_000) {
      ctx.addIssue({
        code: 'custom',
        message: `Ensure this time is at most ${MAX_SCHEDULE_DAYS} days ahead.`,
        input: value,
      });
      return z.NEVER;
    }
    return at;
  })
  .meta({
    description:
      'Publish the post at this time (ISO 8601 with a time zone; in the future). The post stays a draft ' +
      'until then; null cancels the schedule.',
  }) as unknown as z.ZodType<Date | null, Date | null>;

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
  publish_at: publishAtInput,
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
  publish_at: postFields.publish_at.optional(),
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
  ...cursorParam,
  is_published: queryBool().optional(),
  categories: z.string().optional().meta({ description: 'A category slug.' }),
  author: z.string().optional().meta({ description: "The author's user slug." }),
  tag: z.string().optional().meta({ description: 'A tag, matched case-insensitively.' }),
  search: z.string().optional().meta({
    description: 'Words of the title or body (web search syntax); ranked unless `ordering` is given.',
  }),
  ordering: z.enum(POST_ORDERINGS).optional(),
  scheduled: queryBool()
    .optional()
    .meta({ description: 'true: only drafts with a `publish_at`; false: only posts without one.' }),
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
  variants: imageVariantsField,
  author: userRef,
  is_published: z.boolean(),
  published_at: z.date().nullable(),
  publish_at: z
    .date()
    .nullable()
    .meta({ description: 'When the scheduler publishes this draft; null when not scheduled.' }),
  created_at: z.date(),
  updated_at: z.date(),
};

export const postOutput = z.object({ ...head, body: z.string(), ...rest }).meta({ id: 'Post' });
export const postSummaryOutput = z.object({ ...head, ...rest }).meta({ id: 'PostSummary' });
export const postPageOutput = cursorPageOf(postSummaryOutput, 'PostPage');
export const trashPageOutput = pageOf(postSummaryOutput, 'PostTrashPage');

export type Post = z.infer<typeof postOutput>;
export type PostSummary = z.infer<typeof postSummaryOutput>;

export const REVISION_KINDS = ['initial', 'create', 'update', 'restore', 'publish'] as const;

export const revisionListInput = z.object({ slug: slugParam(), ...pageParams });
export const revisionInput = z.object({
  slug: slugParam(),
  id: queryInt('The revision id (from the list).'),
});

const revisionFields = {
  id: z.number().int(),
  kind: z.enum(REVISION_KINDS).meta({
    description:
      'The write that left this state: `create`, `update`, `restore` (of `restored_from`), `publish` ' +
      '(the scheduler), or `initial` (the state found before the first recorded change).',
  }),
  title: z.string(),
  excerpt: z.string(),
  tags: z.array(z.string()),
  categories: z.array(categoryRefOutput).meta({ description: 'As the categories were named then.' }),
  thumbnail: z.string().nullable().meta({ description: 'Absolute URL.' }),
  is_published: z.boolean(),
  restored_from: z.number().int().nullable().meta({ description: 'The revision a restore brought back.' }),
  created_by: userRef.nullable().meta({ description: 'Who wrote it; null for the scheduler or `initial`.' }),
  created_at: z.date(),
};

export const revisionSummaryOutput = z.object(revisionFields).meta({ id: 'PostRevisionSummary' });
export const revisionOutput = z.object({ ...revisionFields, body: z.string() }).meta({ id: 'PostRevision' });
export const revisionPageOutput = pageOf(revisionSummaryOutput, 'PostRevisionPage');

export type PostRevisionSummary = z.infer<typeof revisionSummaryOutput>;
export type PostRevision = z.infer<typeof revisionOutput>;
