/** Every SDK call of the categories screen. */
import type { RouterOutputs } from '@lectern/sdk';
import { queryOptions } from '@tanstack/react-query';
import { call } from '../../lib/sdk.ts';

export type Category = RouterOutputs['categories']['list'][number];

export const categoryKeys = {
  all: ['categories'] as const,
  usage: (slug: string) => ['categories', 'usage', slug] as const,
};

export const categoriesQuery = () =>
  queryOptions({
    queryKey: categoryKeys.all,
    queryFn: () => call((sdk) => sdk.categories.list.query()),
    staleTime: 60_000,
  });

/** How many live posts (published and drafts) a category is attached to: what a delete detaches. */
export const categoryUsageQuery = (slug: string) =>
  queryOptions({
    queryKey: categoryKeys.usage(slug),
    queryFn: async () =>
      (await call((sdk) => sdk.posts.list.query({ categories: slug, page_size: 1 }))).count,
    staleTime: 0,
  });

export const createCategory = (input: { name: string; description: string }) =>
  call((sdk) => sdk.categories.create.mutate(input));

export const updateCategory = (slug: string, input: { name: string; description: string }) =>
  call((sdk) => sdk.categories.update.mutate({ slug, ...input }));

export const deleteCategory = (slug: string) => call((sdk) => sdk.categories.delete.mutate({ slug }));
