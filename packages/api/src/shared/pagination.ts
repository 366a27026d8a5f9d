import { z } from 'zod';
import { fail } from '../errors.ts';
import { queryInt } from './schemas.ts';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

/**
 * `page` and `page_size`: numbers on the typed door, query text on REST. A bad page must be a 404, not
 * a 400, so both are read by `pageWindow` rather than validated by zod.
 */
export const pageParams = {
  page: queryInt('Page number, from 1.').optional(),
  page_size: queryInt(`Items per page (default ${DEFAULT_PAGE_SIZE}, at most ${MAX_PAGE_SIZE}).`).optional(),
};

type PageInput = { page?: number | string | undefined; page_size?: number | string | undefined };

/** A positive safe integer from a number or a string of digits; NaN otherwise. */
function positiveInt(value: number | string): number {
  const n = typeof value === 'number' ? value : /^\d+$/.test(value) ? Number(value) : Number.NaN;
  return Number.isSafeInteger(n) && n >= 1 ? n : Number.NaN;
}

export interface Page<T> {
  count: number;
  next: string | null;
  previous: string | null;
  results: T[];
  /** Lists with keyset pagination: the cursor of the page after this one; null at the end. */
  next_cursor?: string | null;
}

/** The paginated envelope around an item schema. */
export function pageOf<T extends z.ZodType>(item: T, id: string) {
  return z
    .object({
      count: z.number().int(),
      next: z.string().nullable(),
      previous: z.string().nullable(),
      results: z.array(item),
    })
    .meta({ id });
}

/** `cursor`: keyset pagination, next to page numbers (lists that offer it). */
export const cursorParam = {
  cursor: z
    .string()
    .max(2000)
    .nullable()
    .meta({
      description:
        'Keyset pagination: the `next_cursor` of the previous page (opaque). Pages after a cursor cost ' +
        'the same at any depth and do not shift when posts are added; their `count` is the one the ' +
        "walk's first page reported (carried by the cursor, not counted again). Not combined with `page`.",
      override: { type: 'string', maxLength: 2000, anyOf: undefined },
    })
    .optional(),
};

/** The paginated envelope of a list that also pages by cursor. */
export function cursorPageOf<T extends z.ZodType>(item: T, id: string) {
  return z
    .object({
      count: z.number().int(),
      next: z.string().nullable(),
      previous: z.string().nullable(),
      next_cursor: z
        .string()
        .nullable()
        .meta({
          description:
            'Pass as `cursor` for the rows after this page (null at the end). `next` is that request as a ' +
            'URL when this page was itself reached by cursor; a cursor page has no `previous`.',
        }),
      results: z.array(item),
    })
    .meta({ id });
}

export interface PageWindow {
  page: number;
  pageSize: number;
  limit: number;
  offset: number;
}

/** Reads page/page_size: a page that is not a positive integer is 404; a bad page_size falls back. */
export function pageWindow(input: PageInput): PageWindow {
  const page = positiveInt(input.page ?? 1);
  if (Number.isNaN(page)) throw fail.notFound('Invalid page.');
  const asked = input.page_size === undefined ? Number.NaN : positiveInt(input.page_size);
  const pageSize = Number.isNaN(asked) ? DEFAULT_PAGE_SIZE : Math.min(asked, MAX_PAGE_SIZE);
  return { page, pageSize, limit: pageSize, offset: (page - 1) * pageSize };
}

type QueryValue = string | number | boolean | null | undefined;

/**
 * Runs a paginated query and wraps it in `{count, next, previous, results}`. `next`/`previous` are
 * absolute REST URLs (`restPath` under the request's base URL) keeping the other query parameters, on
 * both doors. A page past the end is 404, except page 1 of an empty list.
 */
export async function paginate<T>(
  ctx: { request: { baseUrl: string } },
  opts: {
    /** REST path of the list, e.g. `/api/users/`. */
    restPath: string;
    /** The procedure input: page, page_size and the filters to carry into next/previous. */
    input: Record<string, QueryValue> & PageInput;
    load: (window: {
      limit: number;
      offset: number;
      /** The request's cursor (keyset lists): load the rows after it, `offset` is 0. */
      cursor?: string | undefined;
    }) => Promise<{ count: number; results: T[]; nextCursor?: string | null }>;
  },
): Promise<Page<T>> {
  const cursor =
    typeof opts.input.cursor === 'string' && opts.input.cursor !== '' ? opts.input.cursor : undefined;
  if (cursor !== undefined && opts.input.page !== undefined) {
    throw fail.field('cursor', 'Send either page or cursor, not both.');
  }
  const window = pageWindow(opts.input);
  const { count, results, nextCursor } = await opts.load(
    cursor === undefined ? window : { ...window, cursor },
  );
  if (cursor === undefined && window.page > 1 && window.offset >= count) throw fail.notFound('Invalid page.');
  const link = (page: number, nextCursorValue?: string) => {
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(opts.input)) {
      if (name === 'page' || name === 'cursor' || value === undefined || value === null || value === '')
        continue;
      params.set(name, String(value));
    }
    if (nextCursorValue !== undefined) params.set('cursor', nextCursorValue);
    else if (page > 1) params.set('page', String(page));
    const query = params.toString();
    return `${ctx.request.baseUrl}${opts.restPath}${query ? `?${query}` : ''}`;
  };
  const keyset = nextCursor === undefined ? {} : { next_cursor: nextCursor };
  if (cursor !== undefined) {
    return { count, next: nextCursor ? link(1, nextCursor) : null, previous: null, ...keyset, results };
  }
  return {
    count,
    next: window.offset + results.length < count ? link(window.page + 1) : null,
    previous: window.page > 1 ? link(window.page - 1) : null,
    ...keyset,
    results,
  };
}
