/**
 * Every SDK call of the posts screens (list, trash, one post, writes). Page numbers and boolean
 * filters are typed as the app uses them and converted to the SDK's input here, in one place.
 */
import type { Post, RouterInputs, RouterOutputs, UploadOptions } from '@lectern/sdk';
import { keepPreviousData, queryOptions } from '@tanstack/react-query';
import { call } from '../../lib/sdk.ts';

export type { Post };
export type PostSummary = RouterOutputs['posts']['list']['results'][number];
export type PostOrdering = NonNullable<RouterInputs['posts']['list']['ordering']>;
export const POST_ORDERINGS: readonly PostOrdering[] = [
  '-created_at',
  'created_at',
  'title',
  '-title',
  '-published_at',
  'published_at',
];

export interface PostListParams {
  page: number;
  pageSize: number;
  /** `scheduled`: drafts with a publish_at (the list's `scheduled=true` filter). */
  status?: 'published' | 'draft' | 'scheduled' | undefined;
  category?: string | undefined;
  author?: string | undefined;
  tag?: string | undefined;
  search?: string | undefined;
  ordering?: PostOrdering | undefined;
}

export const postKeys = {
  all: ['posts'] as const,
  list: (params: PostListParams) => ['posts', 'list', params] as const,
  trash: (page: number, pageSize: number) => ['posts', 'trash', page, pageSize] as const,
  detail: (slug: string) => ['posts', 'detail', slug] as const,
  revisions: (slug: string) => ['posts', 'revisions', slug] as const,
  revisionList: (slug: string, page: number, pageSize: number) =>
    ['posts', 'revisions', slug, 'list', page, pageSize] as const,
  revision: (slug: string, id: number) => ['posts', 'revisions', slug, 'one', id] as const,
};

export const postListQuery = (params: PostListParams) =>
  queryOptions({
    queryKey: postKeys.list(params),
    queryFn: () =>
      call((sdk) =>
        sdk.posts.list.query({
          page: params.page,
          page_size: params.pageSize,
          is_published: params.status === 'published' ? true : params.status === 'draft' ? false : undefined,
          scheduled: params.status === 'scheduled' ? true : undefined,
          categories: params.category,
          author: params.author,
          tag: params.tag,
          search: params.search,
          ordering: params.ordering,
        }),
      ),
    placeholderData: keepPreviousData,
  });

export const trashQuery = (page: number, pageSize: number) =>
  queryOptions({
    queryKey: postKeys.trash(page, pageSize),
    queryFn: () => call((sdk) => sdk.posts.listTrash.query({ page, page_size: pageSize })),
    placeholderData: keepPreviousData,
  });

export const postQuery = (slug: string) =>
  queryOptions({
    queryKey: postKeys.detail(slug),
    queryFn: () => call((sdk) => sdk.posts.get.query({ slug })),
    // The editor holds its own copy while open; a background refetch must not overwrite the form.
    staleTime: Number.POSITIVE_INFINITY,
  });

export interface PostFields {
  title: string;
  body: string;
  tags: string[];
  categories: number[];
  is_published: boolean;
  /** Sent only when the schedule changed: a Date schedules, null cancels. */
  publish_at?: Date | null;
}

/** The thumbnail as the form holds it: unchanged, a new file, or removed. */
export type ThumbnailChange = { kind: 'keep' } | { kind: 'set'; file: File } | { kind: 'remove' };

export async function createPost(
  fields: PostFields,
  thumbnail: ThumbnailChange,
  upload?: UploadOptions,
): Promise<Post> {
  if (thumbnail.kind === 'set') {
    return call((sdk) => sdk.createPostWithThumbnail(fields, thumbnail.file, thumbnail.file.name, upload));
  }
  return call((sdk) => sdk.posts.create.mutate(fields));
}

/** Saves the fields (PATCH), then the thumbnail if it changed; returns the post as last saved. */
export async function updatePost(
  slug: string,
  fields: PostFields,
  thumbnail: ThumbnailChange,
  upload?: UploadOptions,
): Promise<Post> {
  const saved = await call((sdk) => sdk.posts.update.mutate({ slug, ...fields }));
  if (thumbnail.kind === 'set') {
    return call((sdk) => sdk.updatePostThumbnail(slug, thumbnail.file, thumbnail.file.name, upload));
  }
  if (thumbnail.kind === 'remove') return call((sdk) => sdk.updatePostThumbnail(slug, null));
  return saved;
}

export const deletePost = (slug: string) => call((sdk) => sdk.posts.delete.mutate({ slug }));

export const restorePost = (slug: string) => call((sdk) => sdk.posts.restore.mutate({ slug }));

/** Undo of a delete: back from the trash, published again if it was. */
export async function undoDelete(slug: string, wasPublished: boolean): Promise<Post> {
  const restored = await restorePost(slug);
  if (!wasPublished) return restored;
  return call((sdk) => sdk.posts.update.mutate({ slug, is_published: true }));
}

/** Cancels a post's schedule (publish_at → null) and nothing else. */
export const cancelSchedule = (slug: string) =>
  call((sdk) => sdk.posts.update.mutate({ slug, publish_at: null }));

export type PostRevisionSummary = RouterOutputs['posts']['revisions']['list']['results'][number];
export type PostRevision = RouterOutputs['posts']['revisions']['get'];

export const revisionListQuery = (slug: string, page: number, pageSize: number) =>
  queryOptions({
    queryKey: postKeys.revisionList(slug, page, pageSize),
    queryFn: () => call((sdk) => sdk.posts.revisions.list.query({ slug, page, page_size: pageSize })),
    placeholderData: keepPreviousData,
  });

export const revisionQuery = (slug: string, id: number) =>
  queryOptions({
    queryKey: postKeys.revision(slug, id),
    queryFn: () => call((sdk) => sdk.posts.revisions.get.query({ slug, id })),
    // A revision never changes once written.
    staleTime: Number.POSITIVE_INFINITY,
  });

/** Brings a revision back; the answer is the post as the server stored it. */
export const restoreRevision = (slug: string, id: number) =>
  call((sdk) => sdk.posts.revisions.restore.mutate({ slug, id }));
