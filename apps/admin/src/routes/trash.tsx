import { Badge, Button, Stack, Table, Text, Title, VisuallyHidden } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { createRoute, useNavigate } from '@tanstack/react-router';
import { Pager } from '../components/Pager.tsx';
import { Empty, ErrorAlert, Loading } from '../components/States.tsx';
import { postKeys, restorePost, trashQuery } from '../features/posts/queries.ts';
import { describeError } from '../lib/errors.ts';
import { formatDate } from '../lib/format.ts';
import { pageSearch, toPage, toPageSize } from '../lib/search.ts';
import { appRoute } from './layout.tsx';

export const trashRoute = createRoute({
  getParentRoute: () => appRoute,
  path: 'trash',
  validateSearch: (search: Record<string, unknown>): { page?: number; page_size?: number } =>
    pageSearch(search),
  component: TrashScreen,
});

function TrashScreen() {
  const search = trashRoute.useSearch();
  const navigate = useNavigate({ from: '/trash' });
  const page = search.page ?? 1;
  const pageSize = search.page_size ?? 20;
  const trash = useQuery(trashQuery(page, pageSize));
  const queryClient = useQueryClient();
  const restore = useMutation({
    mutationFn: (slug: string) => restorePost(slug),
    onSuccess: (post) => {
      void queryClient.invalidateQueries({ queryKey: postKeys.all });
      void queryClient.invalidateQueries({ queryKey: ['dashboard'] });
      notifications.show({
        color: 'green',
        title: 'Restored as a draft',
        message: `“${post.title}” is back.`,
      });
    },
    onError: (error) =>
      notifications.show({ color: 'red', title: 'Not restored', message: describeError(error) }),
  });
  return (
    <Stack>
      <Title order={1}>Trash</Title>
      <Text size="sm" c="dimmed">
        Deleted posts. Restoring one brings it back as a draft.
      </Text>
      {trash.isPending ? <Loading label="Loading the trash…" /> : null}
      {trash.isError ? <ErrorAlert error={trash.error} onRetry={() => trash.refetch()} /> : null}
      {trash.data && !trash.isError ? (
        trash.data.count === 0 ? (
          <Empty>The trash is empty.</Empty>
        ) : (
          <Stack gap="sm">
            <Table.ScrollContainer minWidth={640}>
              <Table striped verticalSpacing="xs" data-testid="trash-table">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Title</Table.Th>
                    <Table.Th>Author</Table.Th>
                    <Table.Th>Last changed</Table.Th>
                    <Table.Th>
                      <VisuallyHidden>Actions</VisuallyHidden>
                    </Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {trash.data.results.map((post) => (
                    <Table.Tr key={post.id} data-slug={post.slug}>
                      <Table.Td>
                        <Text fw={500}>{post.title}</Text>
                        <Text size="xs" c="dimmed">
                          {post.slug}
                        </Text>
                      </Table.Td>
                      <Table.Td>{post.author.username}</Table.Td>
                      <Table.Td>{formatDate(post.updated_at)}</Table.Td>
                      <Table.Td>
                        <Button
                          size="xs"
                          variant="light"
                          loading={restore.isPending && restore.variables === post.slug}
                          onClick={() => restore.mutate(post.slug)}
                          aria-label={`Restore “${post.title}”`}
                        >
                          Restore
                        </Button>
                        {restore.isSuccess && restore.variables === post.slug ? (
                          <Badge ml="xs" color="green" variant="light">
                            restored
                          </Badge>
                        ) : null}
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
            <Pager
              label="deleted posts"
              count={trash.data.count}
              page={page}
              pageSize={pageSize}
              onPage={(p) => navigate({ search: toPage(p) })}
              onPageSize={(size) => navigate({ search: toPageSize(size) })}
            />
          </Stack>
        )
      ) : null}
    </Stack>
  );
}
