import {
  Badge,
  Button,
  Grid,
  Group,
  Modal,
  NavLink,
  Pagination,
  Paper,
  Skeleton,
  Stack,
  Text,
  Title,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import { lazy, Suspense, useState } from 'react';
import { Empty, ErrorAlert, Loading } from '../../components/States.tsx';
import { formatDate } from '../../lib/format.ts';
import {
  type Post,
  type PostRevisionSummary,
  postKeys,
  restoreRevision,
  revisionListQuery,
  revisionQuery,
} from './queries.ts';

const BodyDiff = lazy(() => import('./BodyDiff.tsx'));

export const HISTORY_PAGE_SIZE = 10;

const KIND_LABELS: Record<PostRevisionSummary['kind'], string> = {
  initial: 'Before history',
  create: 'Created',
  update: 'Edited',
  restore: 'Restored',
  publish: 'Published by the scheduler',
};

function author(revision: PostRevisionSummary): string {
  if (revision.created_by) return revision.created_by.username;
  return revision.kind === 'publish' ? 'Scheduler' : 'Unknown';
}

/**
 * The post's revisions (newest first, paged), the selected one's changes against the current body,
 * and "Restore this version". Which page and revision are shown lives in the URL (shareable).
 */
export function HistoryPanel({
  post,
  page,
  selected,
  onRestored,
}: {
  post: Post;
  page: number;
  selected: number | undefined;
  onRestored: (post: Post) => void;
}) {
  const navigate = useNavigate();
  const revisions = useQuery(revisionListQuery(post.slug, page, HISTORY_PAGE_SIZE));
  const pages = revisions.data ? Math.max(1, Math.ceil(revisions.data.count / HISTORY_PAGE_SIZE)) : 1;
  const newestId = page === 1 ? revisions.data?.results[0]?.id : undefined;

  return (
    <Grid gap="lg">
      <Grid.Col span={{ base: 12, md: 5 }}>
        <Stack gap="sm">
          <Title order={2} size="h3">
            Revisions
          </Title>
          {revisions.isPending ? <Loading label="Loading the history…" /> : null}
          {revisions.isError ? (
            <ErrorAlert error={revisions.error} onRetry={() => revisions.refetch()} />
          ) : null}
          {revisions.data && revisions.data.count === 0 ? <Empty>No revisions recorded yet.</Empty> : null}
          {revisions.data && revisions.data.count > 0 ? (
            <nav aria-label="Revisions">
              <Stack
                gap={2}
                data-testid="revision-list"
                style={{ opacity: revisions.isPlaceholderData ? 0.6 : 1 }}
              >
                {revisions.data.results.map((revision) => {
                  const active = revision.id === selected;
                  return (
                    <NavLink
                      key={revision.id}
                      data-revision={revision.id}
                      active={active}
                      variant="light"
                      label={
                        <Group gap="xs" wrap="nowrap">
                          <Text size="sm" fw={500} truncate>
                            {revision.title}
                          </Text>
                          {revision.id === newestId ? (
                            <Badge size="xs" variant="outline">
                              Current
                            </Badge>
                          ) : null}
                        </Group>
                      }
                      description={`${formatDate(revision.created_at)} · ${author(revision)} · ${KIND_LABELS[revision.kind]}`}
                      renderRoot={(props) => (
                        <Link
                          to="/posts/$slug"
                          params={{ slug: post.slug }}
                          search={(prev) => ({ ...prev, tab: 'history', revision: revision.id })}
                          {...props}
                        />
                      )}
                    />
                  );
                })}
              </Stack>
            </nav>
          ) : null}
          {revisions.data && pages > 1 ? (
            <Group justify="space-between">
              <Text size="sm" c="dimmed">
                {revisions.data.count} revisions
              </Text>
              <Pagination
                size="sm"
                total={pages}
                value={Math.min(page, pages)}
                siblings={1}
                boundaries={1}
                getControlProps={(control) => ({ 'aria-label': `${control} page of revisions` })}
                getItemProps={(p) => ({ 'aria-label': `Revisions page ${p}` })}
                onChange={(p) =>
                  navigate({
                    to: '/posts/$slug',
                    params: { slug: post.slug },
                    search: (prev) => ({ ...prev, history_page: p > 1 ? p : undefined }),
                  })
                }
              />
            </Group>
          ) : null}
        </Stack>
      </Grid.Col>
      <Grid.Col span={{ base: 12, md: 7 }}>
        {selected === undefined ? (
          <Paper withBorder p="md">
            <Text c="dimmed" size="sm">
              Pick a revision to see how it differs from the current version, and to restore it.
            </Text>
          </Paper>
        ) : (
          <RevisionDetail
            key={selected}
            post={post}
            id={selected}
            isCurrent={selected === newestId}
            onRestored={onRestored}
          />
        )}
      </Grid.Col>
    </Grid>
  );
}

/** One revision: what changed since, and the restore with its confirmation. */
function RevisionDetail({
  post,
  id,
  isCurrent,
  onRestored,
}: {
  post: Post;
  id: number;
  isCurrent: boolean;
  onRestored: (post: Post) => void;
}) {
  const queryClient = useQueryClient();
  const revision = useQuery(revisionQuery(post.slug, id));
  const [confirming, setConfirming] = useState(false);
  const restore = useMutation({
    mutationFn: () => restoreRevision(post.slug, id),
    onSuccess: (restored) => {
      setConfirming(false);
      queryClient.setQueryData(postKeys.detail(restored.slug), restored);
      void queryClient.invalidateQueries({ queryKey: postKeys.revisions(restored.slug) });
      void queryClient.invalidateQueries({ queryKey: ['posts', 'list'] });
      void queryClient.invalidateQueries({ queryKey: ['dashboard'] });
      notifications.show({
        color: 'green',
        title: 'Version restored',
        message: `“${restored.title}” is back as it was on ${revision.data ? formatDate(revision.data.created_at) : 'that date'}.`,
      });
      onRestored(restored);
    },
  });

  if (revision.isPending) return <Skeleton h={240} role="status" aria-label="Loading the revision" />;
  if (revision.isError) return <ErrorAlert error={revision.error} onRetry={() => revision.refetch()} />;
  const r = revision.data;
  return (
    <Paper withBorder p="md" data-testid="revision-detail">
      <Stack gap="sm">
        <Group justify="space-between" align="start">
          <div>
            <Title order={2} size="h3">
              {KIND_LABELS[r.kind]} {formatDate(r.created_at)}
            </Title>
            <Text size="sm" c="dimmed">
              By {author(r)} · {r.is_published ? 'published' : 'draft'}
              {r.tags.length ? ` · tags: ${r.tags.join(', ')}` : ''}
            </Text>
          </div>
          {isCurrent ? (
            <Text size="sm" c="dimmed">
              This is the current version.
            </Text>
          ) : (
            <Button variant="light" onClick={() => setConfirming(true)}>
              Restore this version
            </Button>
          )}
        </Group>
        {r.title !== post.title ? (
          <Text size="sm" data-testid="title-diff">
            Title then: <strong>{r.title}</strong> · now: <strong>{post.title}</strong>
          </Text>
        ) : null}
        <Text size="sm" c="dimmed">
          The body as it was then, compared with the current version: underlined text was added since,
          struck-through text has been removed since.
        </Text>
        <Suspense fallback={<Skeleton h={160} role="status" aria-label="Loading the comparison" />}>
          <BodyDiff from={r.body} to={post.body} />
        </Suspense>
      </Stack>
      <Modal opened={confirming} onClose={() => setConfirming(false)} title="Restore this version?" centered>
        <Stack>
          <Text size="sm">
            The post’s title, body, excerpt, tags, categories, thumbnail and published state go back to how
            they were on {formatDate(r.created_at)}
            {r.is_published ? ' (it is published now if it is not)' : ''}. Unsaved edits in the editor are
            discarded. The current version stays in the history, so this can be undone.
          </Text>
          {restore.isError ? <ErrorAlert error={restore.error} title="Not restored" /> : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirming(false)} data-autofocus>
              Cancel
            </Button>
            <Button loading={restore.isPending} onClick={() => restore.mutate()}>
              Restore
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Paper>
  );
}
