/** Every SDK call of the users screens and of "My profile". */
import type { RouterInputs, RouterOutputs, UserProfile } from '@lectern/sdk';
import { keepPreviousData, queryOptions } from '@tanstack/react-query';
import { call } from '../../lib/sdk.ts';

export type { UserProfile };
export type UserListItem = RouterOutputs['users']['list']['results'][number];
/** Self or staff get the full profile; the public one lacks email and address. */
export type AnyProfile = RouterOutputs['users']['get'];
export type UserUpdate = Omit<RouterInputs['users']['update'], 'slug' | 'profile_pic'>;

export interface UserListParams {
  page: number;
  pageSize: number;
  verified?: boolean | undefined;
  staff?: boolean | undefined;
  search?: string | undefined;
}

export const userKeys = {
  all: ['users'] as const,
  list: (params: UserListParams) => ['users', 'list', params] as const,
  detail: (slug: string) => ['users', 'detail', slug] as const,
  me: ['users', 'me'] as const,
};

export const usersQuery = (params: UserListParams) =>
  queryOptions({
    queryKey: userKeys.list(params),
    queryFn: () =>
      call((sdk) =>
        sdk.users.list.query({
          page: params.page,
          page_size: params.pageSize,
          is_verified: params.verified,
          is_staff: params.staff,
          search: params.search,
        }),
      ),
    placeholderData: keepPreviousData,
  });

export const userQuery = (slug: string) =>
  queryOptions({
    queryKey: userKeys.detail(slug),
    queryFn: () => call((sdk) => sdk.users.get.query({ slug })),
  });

export const meQuery = () =>
  queryOptions({ queryKey: userKeys.me, queryFn: () => call((sdk) => sdk.users.me.query()) });

export const updateUser = (slug: string, fields: UserUpdate) =>
  call((sdk) => sdk.users.update.mutate({ slug, ...fields }));

export const removeProfilePicture = (slug: string) =>
  call((sdk) => sdk.users.update.mutate({ slug, profile_pic: '' }));

export const uploadProfilePicture = (slug: string, file: File) =>
  call((sdk) => sdk.uploadProfilePicture(slug, file, file.name));

export const deleteUser = (slug: string) => call((sdk) => sdk.users.delete.mutate({ slug }));
