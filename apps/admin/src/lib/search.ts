/**
 * Readers for URL search params. The router parses `?page=3` as a number and `?search=abc` as a
 * string (JSON-looking values are parsed); these accept either and drop anything malformed, so a
 * hand-edited URL never breaks a screen.
 */
export function positiveInt(value: unknown, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : Number.NaN;
  return Number.isSafeInteger(n) && n >= 1 ? Math.min(n, max) : fallback;
}

export function optionalText(value: unknown): string | undefined {
  if (typeof value === 'number') return String(value);
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

export function oneOf<T extends string>(value: unknown, allowed: readonly T[]): T | undefined {
  return allowed.find((a) => a === value);
}

export function optionalBool(value: unknown): boolean | undefined {
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  return undefined;
}

export const PAGE_SIZES = [10, 20, 50, 100] as const;

/** Page and page size, as every paged table keeps them in its URL. */
export function pageSearch(search: Record<string, unknown>): { page?: number; page_size?: number } {
  const page = positiveInt(search.page, 1);
  const size = positiveInt(search.page_size, 20, 100);
  return {
    ...(page > 1 ? { page } : {}),
    ...(size !== 20 ? { page_size: size } : {}),
  };
}

/** The search update that moves a paged table to `page` (page 1 is the URL without it). */
export const toPage =
  (page: number) =>
  <S extends object>(prev: S) => ({ ...prev, page: page > 1 ? page : undefined });

/** The search update that changes a paged table's page size (back to page 1; 20 is the default). */
export const toPageSize =
  (size: number) =>
  <S extends object>(prev: S) => ({ ...prev, page: undefined, page_size: size === 20 ? undefined : size });
