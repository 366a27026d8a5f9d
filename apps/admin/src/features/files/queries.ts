/** Every SDK call of the file gallery. */
import type { GalleryFile, UploadOptions } from '@lectern/sdk';
import { keepPreviousData, queryOptions } from '@tanstack/react-query';
import { call } from '../../lib/sdk.ts';

export type { GalleryFile };

export const fileKeys = {
  all: ['files'] as const,
  list: (page: number, pageSize: number, search: string | undefined) =>
    ['files', 'list', page, pageSize, search ?? ''] as const,
};

export const filesQuery = (page: number, pageSize: number, search: string | undefined) =>
  queryOptions({
    queryKey: fileKeys.list(page, pageSize, search),
    queryFn: () => call((sdk) => sdk.files.list.query({ page, page_size: pageSize, search })),
    placeholderData: keepPreviousData,
  });

export const uploadFile = (file: File, options: UploadOptions) =>
  call((sdk) => sdk.uploadFile(file, undefined, file.name, options));

export const deleteFile = (id: number) => call((sdk) => sdk.files.delete.mutate({ id: String(id) }));
