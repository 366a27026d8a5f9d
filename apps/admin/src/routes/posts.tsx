import {
  Anchor,
  Badge,
  Button,
  CloseButton,
  Group,
  Input,
  SegmentedControl,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useDebouncedCallback } from '@mantine/hooks';
import { useQuery } from '@tanstack/react-query';
import { createRoute, Link, useNavigate } from '@tanstack/react-router';
import { useEffect, useState } from 'react';
import { Pager } from '../components/Pager.tsx';
import { Empty, ErrorAlert, Loading } from '../components/States.tsx';
import { categoriesQuery } from '../features/categories/queries.ts';
import {
  POST_ORDERINGS,
  type PostListParams,
  type PostOrdering,
  postListQuery,
} from '../features/posts/queries.ts';
import { ScheduleBadge } from '../features/posts/ScheduleBadge.tsx';
import { formatDate } from '../lib/format.ts';
import { oneOf, optionalText, pageSearch, toPage, toPageSize } from '../lib/search.ts';
import { appRoute } from './layout.tsx';

export interface PostsSearch {
  page?: number;
  page_size?: number;
  status?: 'published' | 'draft' | 'scheduled';
  category?: string;
  author?: string;
  tag?: string;
  search?: string;
  ordering?: PostOrdering;
}

const ORDERING_LABELS: Record<PostOrdering, string> = {
  '-created_at': 'Newest first',
  created_at: 'Oldest first',
  title: 'Title A→Z',
  '-title': 'Title Z→A',
  '-published_at': 'Recently published',
  published_at: 'First published',
};

export const postsRoute = createRoute({
  getParentRoute: () => appRoute,
  path: 'posts',
  validateSearch: (search: Record<string, unknown>): PostsSearch => {
    const status = oneOf(search.status, ['published', 'draft', 'scheduled'] as const);
    const category = optionalText(search.category);
    const author = optionalText(search.author);
    const tag = optionalText(search.tag);
    const text = optionalText(search.search);
    const ordering = oneOf(search.ordering, POST_ORDERINGS);
    return {
      ...pageSearch(search),
      ...(status ? { status } : {}),
      ...(category ? { category } : {}),
      ...(author ? { author } : {}),
      ...(tag ? { tag } : {}),
      ...(text ? { search: text } : {}),
      ...(ordering ? { ordering } : {}),
    };
  },
  component: PostsScreen,
});

function PostsScreen() {
  const search = postsRoute.useSearch();
  const navigate = useNavigate({ from: '/posts' });
  const params: PostListParams = {
    page: search.page ?? 1,
    pageSize: search.page_size ?? 20,
    status: search.status,
    category: search.category,
    author: search.author,
    tag: search.tag,
    search: search.search,
    ordering: search.ordering,
  };
  const posts = useQuery(postListQuery(params));
  const categories = useQuery(categoriesQuery());

  /** A filter change goes back to page 1. */
  const setFilter = (patch: Partial<PostsSearch>) =>
    navigate({ search: (prev) => ({ ...prev, ...patch, page: undefined }) });

  const [text, setText] = useState(search.search ?? '');
  useEffect(() => setText(search.search ?? ''), [search.search]);
  const commitText = useDebouncedCallback(
    (value: string) => setFilter({ search: value.trim() || undefined }),
    400,
  );
  const [tag, setTag] = useState(search.tag ?? '');
  useEffect(() => setTag(search.tag ?? ''), [search.tag]);
  const commitTag = useDebouncedCallback(
    (value: string) => setFilter({ tag: value.trim() || undefined }),
    400,
  );

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1}>Posts</Title>
        <Button renderRoot={(props) => <Link to="/posts/new" {...props} />}>New post</Button>
      </Group>
      <Group align="end" gap="sm" wrap="wrap" role="search" aria-label="Filter posts">
        <TextInput
          label="Search"
          placeholder="Words of the title or body"
          value={text}
          onChange={(e) => {
            setText(e.currentTarget.value);
            commitText(e.currentTarget.value);
          }}
          onKeyDown={(e) => {
            if (e.key === 'Enter') setFilter({ search: text.trim() || undefined });
          }}
          w={240}
        />
        <div>
          <Input.Label id="status-filter-label" display="block" mb={4}>
            Status
          </Input.Label>
          <SegmentedControl
            aria-labelledby="status-filter-label"
            value={search.status ?? 'all'}
            onChange={(value) =>
              setFilter({ status: oneOf(value, ['published', 'draft', 'scheduled'] as const) })
            }
            data={[
              { value: 'all', label: 'All' },
              { value: 'published', label: 'Published' },
              { value: 'draft', label: 'Drafts' },
              { value: 'scheduled', label: 'Scheduled' },
            ]}
          />
        </div>
        <Select
          label="Category"
          placeholder="Any"
          clearable
          searchable
          w={180}
          data={(categories.data ?? []).map((c) => ({ value: c.slug, label: c.name }))}
          value={search.category ?? null}
          onChange={(value) => setFilter({ category: value ?? undefined })}
        />
        <TextInput
          label="Tag"
          placeholder="Any"
          w={140}
          value={tag}
          onChange={(e) => {
            setTag(e.currentTarget.value);
            commitTag(e.currentTarget.value);
          }}
        />
        <Select
          label="Sort"
          w={190}
          data={POST_ORDERINGS.map((value) => ({ value, label: ORDERING_LABELS[value] }))}
          placeholder={search.search ? 'Best match' : 'Newest first'}
          clearable
          value={search.ordering ?? null}
          onChange={(value) => setFilter({ ordering: oneOf(value, POST_ORDERINGS) })}
        />
      </Group>
      {search.author ? (
        <Group gap="xs">
          <Text size="sm">Author:</Text>
          <Badge
            variant="light"
            rightSection={
              <CloseButton
                size="xs"
                aria-label="Remove the author filter"
                onClick={() => setFilter({ author: undefined })}
              />
            }
          >
            {search.author}
          </Badge>
        </Group>
      ) : null}

      {posts.isPending ? <Loading label="Loading posts…" /> : null}
      {posts.isError ? (
        <ErrorAlert
          error={posts.error}
          title={posts.error.status === 404 ? 'No such page' : undefined}
          onRetry={() => posts.refetch()}
        />
      ) : null}
      {posts.isError && posts.error.status === 404 && params.page > 1 ? (
        <Anchor
          renderRoot={(props) => <Link to="/posts" search={{ ...search, page: undefined }} {...props} />}
        >
          Go to the first page
        </Anchor>
      ) : null}
      {posts.data && !posts.isError ? (
        posts.data.count === 0 ? (
          <Empty>No posts match these filters.</Empty>
        ) : (
          <Stack gap="sm" style={{ opacity: posts.isPlaceholderData ? 0.6 : 1 }}>
            <Table.ScrollContainer minWidth={800}>
              <Table striped highlightOnHover verticalSpacing="xs" data-testid="posts-table">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Title</Table.Th>
                    <Table.Th>Status</Table.Th>
                    <Table.Th>Author</Table.Th>
                    <Table.Th>Categories</Table.Th>
                    <Table.Th>Tags</Table.Th>
                    <Table.Th>Created</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {posts.data.results.map((post) => (
                    <Table.Tr key={post.id} data-slug={post.slug}>
                      <Table.Td maw={360}>
                        <Anchor
                          fw={500}
                          renderRoot={(props) => (
                            <Link to="/posts/$slug" params={{ slug: post.slug }} {...props} />
                          )}
                        >
                          {post.title}
                        </Anchor>
                        <Text size="xs" c="dimmed" truncate>
                          {post.slug}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <Stack gap={4} align="flex-start">
                          <Badge color={post.is_published ? 'green' : 'gray'} variant="light">
                            {post.is_published ? 'Published' : 'Draft'}
                          </Badge>
                          <ScheduleBadge publishAt={post.publish_at} />
                        </Stack>
                      </Table.Td>
                      <Table.Td>
                        <Anchor
                          component="button"
                          type="button"
                          size="sm"
                          onClick={() => setFilter({ author: post.author.slug })}
                          title={`Only posts by ${post.author.username}`}
                        >
                          {post.author.username}
                        </Anchor>
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm">{post.categories.map((c) => c.name).join(', ') || '—'}</Text>
                      </Table.Td>
                      <Table.Td>
                        <Group gap={4}>
                          {post.tags.map((t) => (
                            <Badge
                              key={t}
                              size="sm"
                              variant="outline"
                              component="button"
                              type="button"
                              style={{ cursor: 'pointer' }}
                              onClick={() => setFilter({ tag: t })}
                            >
                              {t}
                            </Badge>
                          ))}
                        </Group>
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm">{formatDate(post.created_at)}</Text>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
            <Pager
              label="posts"
              count={posts.data.count}
              page={params.page}
              pageSize={params.pageSize}
              onPage={(page) => navigate({ search: toPage(page) })}
              onPageSize={(size) => navigate({ search: toPageSize(size) })}
            />
          </Stack>
        )
      ) : null}
    </Stack>
  );
}
