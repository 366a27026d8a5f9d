/** Every SDK call of the content keys screen. */
import type { ContentKey, CreatedContentKey } from '@lectern/sdk';
import { keepPreviousData, queryOptions } from '@tanstack/react-query';
import { call } from '../../lib/sdk.ts';

export type { ContentKey, CreatedContentKey };

export type KeyStatus = 'active' | 'revoked';

export const contentKeyKeys = {
  all: ['content-keys'] as const,
  list: (page: number, pageSize: number, status: KeyStatus | undefined) =>
    ['content-keys', 'list', page, pageSize, status ?? 'all'] as const,
};

export const contentKeysQuery = (page: number, pageSize: number, status: KeyStatus | undefined) =>
  queryOptions({
    queryKey: contentKeyKeys.list(page, pageSize, status),
    queryFn: () =>
      call((sdk) =>
        sdk.contentKeys.list.query({
          page,
          page_size: pageSize,
          revoked: status === undefined ? undefined : status === 'revoked',
        }),
      ),
    placeholderData: keepPreviousData,
  });

export const createContentKey = (name: string) => call((sdk) => sdk.contentKeys.create.mutate({ name }));

export const revokeContentKey = (id: number) => call((sdk) => sdk.contentKeys.revoke.mutate({ id }));
