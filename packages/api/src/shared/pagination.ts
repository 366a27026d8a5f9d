import { z } from 'zod';
import type { RequestInfo } from './context.ts';
import { fail } from './errors.ts';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

/**
 * `page` and `page_size` as strings on both doors (REST query strings; a bad value must be a 404, not
 * a 400, so they are parsed here rather than by zod).
 */
export const pageParams = {
  page: z.string().optional().meta({ description: 'Page number, from 1.' }),
  page_size: z
    .string()
    .optional()
    .meta({ description: `Items per page (default ${DEFAULT_PAGE_SIZE}, at most ${MAX_PAGE_SIZE}).` }),
};

export interface Page<T> {
  count: number;
  next: string | null;
  previous: string | null;
  results: T[];
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

export interface PageWindow {
  page: number;
  pageSize: number;
  limit: number;
  offset: number;
}

/** Reads page/page_size: a page that is not a positive integer is 404; a bad page_size falls back. */
export function pageWindow(input: { page?: string | undefined; page_size?: string | undefined }): PageWindow {
  const rawPage = input.page ?? '1';
  const page = /^\d+$/.test(rawPage) ? Number(rawPage) : Number.NaN;
  if (!Number.isSafeInteger(page) || page < 1) throw fail.notFound('Invalid page.');
  const rawSize = input.page_size;
  const asked = rawSize !== undefined && /^\d+$/.test(rawSize) ? Number(rawSize) : Number.NaN;
  const pageSize =
    Number.isSafeInteger(asked) && asked >= 1 ? Math.min(asked, MAX_PAGE_SIZE) : DEFAULT_PAGE_SIZE;
  return { page, pageSize, limit: pageSize, offset: (page - 1) * pageSize };
}

type QueryValue = string | number | boolean | null | undefined;

/**
 * Runs a paginated query and wraps it in `{count, next, previous, results}`. `next`/`previous` are
 * absolute REST URLs (`restPath` under the request's base URL) keeping the other query parameters, on
 * both doors. A page past the end is 404, except page 1 of an empty list.
 */
export async function paginate<T>(
  ctx: { request: RequestInfo },
  opts: {
    /** REST path of the list, e.g. `/api/users/`. */
    restPath: string;
    /** The procedure input: page, page_size and the filters to carry into next/previous. */
    input: Record<string, QueryValue> & { page?: string | undefined; page_size?: string | undefined };
    load: (window: { limit: number; offset: number }) => Promise<{ count: number; results: T[] }>;
  },
): Promise<Page<T>> {
  const window = pageWindow(opts.input);
  const { count, results } = await opts.load(window);
  if (window.page > 1 && window.offset >= count) throw fail.notFound('Invalid page.');
  const link = (page: number) => {
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(opts.input)) {
      if (name === 'page' || value === undefined || value === null || value === '') continue;
      params.set(name, String(value));
    }
    if (page > 1) params.set('page', String(page));
    const query = params.toString();
    return `${ctx.request.baseUrl}${opts.restPath}${query ? `?${query}` : ''}`;
  };
  return {
    count,
    next: window.offset + results.length < count ? link(window.page + 1) : null,
    previous: window.page > 1 ? link(window.page - 1) : null,
    results,
  };
}
