import { Anchor, Group, Stack, Tabs, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { createRoute, Link, useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { ErrorAlert, Loading } from '../components/States.tsx';
import { HistoryPanel } from '../features/posts/HistoryPanel.tsx';
import { PostForm } from '../features/posts/PostForm.tsx';
import { postQuery } from '../features/posts/queries.ts';
import { ScheduleBadge } from '../features/posts/ScheduleBadge.tsx';
import { positiveInt } from '../lib/search.ts';
import { appRoute } from './layout.tsx';

export const newPostRoute = createRoute({
  getParentRoute: () => appRoute,
  path: 'posts/new',
  component: () => (
    <Stack>
      <BackToPosts />
      <Title order={1}>New post</Title>
      <PostForm />
    </Stack>
  ),
});

/** The editor's tab and, on History, the page of revisions and the one shown: a shareable URL. */
export interface EditPostSearch {
  tab?: 'history';
  revision?: number;
  history_page?: number;
}

export const editPostRoute = createRoute({
  getParentRoute: () => appRoute,
  path: 'posts/$slug',
  validateSearch: (search: Record<string, unknown>): EditPostSearch => {
    if (search.tab !== 'history') return {};
    const revision = positiveInt(search.revision, 0);
    const page = positiveInt(search.history_page, 1, 10_000);
    return {
      tab: 'history',
      ...(revision > 0 ? { revision } : {}),
      ...(page > 1 ? { history_page: page } : {}),
    };
  },
  component: EditPost,
});

function BackToPosts() {
  return (
    <Group>
      <Anchor size="sm" renderRoot={(props) => <Link to="/posts" {...props} />}>
        ← All posts
      </Anchor>
    </Group>
  );
}

function EditPost() {
  const { slug } = editPostRoute.useParams();
  const search = editPostRoute.useSearch();
  const navigate = useNavigate({ from: '/posts/$slug' });
  const post = useQuery(postQuery(slug));
  // A restore replaces the whole form (a fresh one holds the post as the server returned it).
  const [restores, setRestores] = useState(0);
  const tab = search.tab ?? 'edit';

  return (
    <Stack>
      <BackToPosts />
      <Group gap="sm" align="center">
        <Title order={1}>Edit post</Title>
        {post.data ? <ScheduleBadge publishAt={post.data.publish_at} size="md" /> : null}
      </Group>
      {post.isPending ? <Loading label="Loading the post…" /> : null}
      {post.isError ? <ErrorAlert error={post.error} onRetry={() => post.refetch()} /> : null}
      {post.data ? (
        <Tabs
          value={tab}
          onChange={(value) =>
            navigate({ search: value === 'history' ? { tab: 'history' } : {}, replace: true })
          }
          keepMounted
        >
          <Tabs.List aria-label="Post editor">
            <Tabs.Tab value="edit">Edit</Tabs.Tab>
            <Tabs.Tab value="history">History</Tabs.Tab>
          </Tabs.List>
          <Tabs.Panel value="edit" pt="md">
            <PostForm key={`${post.data.id}:${restores}`} post={post.data} />
          </Tabs.Panel>
          <Tabs.Panel value="history" pt="md">
            {tab === 'history' ? (
              <HistoryPanel
                post={post.data}
                page={search.history_page ?? 1}
                selected={search.revision}
                onRestored={(restored) => {
                  setRestores((n) => n + 1);
                  void navigate({
                    to: '/posts/$slug',
                    params: { slug: restored.slug },
                    search: {},
                  });
                }}
              />
            ) : null}
          </Tabs.Panel>
        </Tabs>
      ) : null}
    </Stack>
  );
}
