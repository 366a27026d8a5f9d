/**
 * The dashboard's counts: each is the `count` of a one-item page of an existing list (one batched
 * HTTP request; the server's content cache keeps the post counts), so the admin adds no procedure.
 */
import { queryOptions } from '@tanstack/react-query';
import { call } from '../../lib/sdk.ts';

export interface DashboardCounts {
  published: number;
  drafts: number;
  trash: number;
  users: number;
  files: number;
}

export const dashboardQuery = () =>
  queryOptions({
    queryKey: ['dashboard', 'counts'] as const,
    queryFn: async (): Promise<DashboardCounts> => {
      const one = { page_size: 1 };
      const [published, drafts, trash, users, files] = await Promise.all([
        call((sdk) => sdk.posts.list.query({ ...one, is_published: true })),
        call((sdk) => sdk.posts.list.query({ ...one, is_published: false })),
        call((sdk) => sdk.posts.listTrash.query(one)),
        call((sdk) => sdk.users.list.query(one)),
        call((sdk) => sdk.files.list.query(one)),
      ]);
      return {
        published: published.count,
        drafts: drafts.count,
        trash: trash.count,
        users: users.count,
        files: files.count,
      };
    },
  });
