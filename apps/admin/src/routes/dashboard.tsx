import { Badge, Card, Group, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { createRoute, Link } from '@tanstack/react-router';
import { ErrorAlert, Loading } from '../components/States.tsx';
import { dashboardQuery } from '../features/dashboard/queries.ts';
import { healthQuery } from '../features/settings/queries.ts';
import { appRoute } from './layout.tsx';

export const dashboardRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/',
  component: Dashboard,
});

function Dashboard() {
  const counts = useQuery(dashboardQuery());
  const health = useQuery({ ...healthQuery(), refetchInterval: 30_000 });
  const tiles = counts.data
    ? [
        {
          label: 'Published posts',
          value: counts.data.published,
          to: '/posts',
          search: { status: 'published' },
        },
        { label: 'Drafts', value: counts.data.drafts, to: '/posts', search: { status: 'draft' } },
        { label: 'In the trash', value: counts.data.trash, to: '/trash', search: {} },
        { label: 'Users', value: counts.data.users, to: '/users', search: {} },
        { label: 'Files', value: counts.data.files, to: '/files', search: {} },
      ]
    : [];
  return (
    <Stack>
      <Title order={1}>Dashboard</Title>
      <Card withBorder padding="md" data-testid="health">
        <Group justify="space-between">
          <Text fw={600}>Health check</Text>
          {health.isPending ? (
            <Text c="dimmed">Checking…</Text>
          ) : health.isError ? (
            <Badge color="red" size="lg" variant="light">
              unreachable
            </Badge>
          ) : (
            <Group gap="xs">
              <Badge color={health.data.status === 'healthy' ? 'green' : 'red'} size="lg" variant="light">
                {health.data.status}
              </Badge>
              <Badge color={health.data.database === 'ok' ? 'green' : 'red'} variant="light">
                database {health.data.database}
              </Badge>
              <Badge color={health.data.maintenance ? 'yellow' : 'gray'} variant="light">
                maintenance {health.data.maintenance ? 'on' : 'off'}
              </Badge>
            </Group>
          )}
        </Group>
      </Card>
      {counts.isPending ? <Loading label="Counting…" /> : null}
      {counts.isError ? <ErrorAlert error={counts.error} onRetry={() => counts.refetch()} /> : null}
      <SimpleGrid cols={{ base: 1, xs: 2, md: 5 }}>
        {tiles.map((tile) => (
          <Card
            key={tile.label}
            withBorder
            padding="md"
            renderRoot={(props) => <Link to={tile.to} search={tile.search} {...props} />}
            data-testid={`count-${tile.label}`}
          >
            <Text size="sm" c="dimmed">
              {tile.label}
            </Text>
            <Text fz={28} fw={700}>
              {tile.value.toLocaleString('en')}
            </Text>
          </Card>
        ))}
      </SimpleGrid>
    </Stack>
  );
}
