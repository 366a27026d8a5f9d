import { Alert, Anchor, Badge, Button, Group, Modal, Stack, Table, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { getRouteApi, Link, useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { Pager } from '../../components/Pager.tsx';
import { ShownOnce } from '../../components/ShownOnce.tsx';
import { Empty, ErrorAlert, Loading } from '../../components/States.tsx';
import { formatDate } from '../../lib/format.ts';
import { toPage, toPageSize } from '../../lib/search.ts';
import { currentUser } from '../auth/session.ts';
import { createWebhook, type WebhookWithSecret, webhookKeys, webhooksQuery } from './queries.ts';
import { WebhookForm } from './WebhookForm.tsx';

/** The route's search and params, without importing the route file (which imports this one lazily). */
const webhooksRoute = getRouteApi('/app/webhooks');

export function SuperuserOnly({ title }: { title: string }) {
  return (
    <Stack>
      <Title order={1}>{title}</Title>
      <Alert color="orange" title="Not allowed">
        Only a superuser can manage webhooks.
      </Alert>
    </Stack>
  );
}

export default function WebhooksScreen() {
  const superuser = currentUser()?.is_superuser === true;
  const search = webhooksRoute.useSearch();
  const navigate = useNavigate({ from: '/webhooks' });
  const page = search.page ?? 1;
  const pageSize = search.page_size ?? 20;
  const hooks = useQuery({ ...webhooksQuery(page, pageSize), enabled: superuser });
  const [creating, setCreating] = useState(false);

  if (!superuser) return <SuperuserOnly title="Webhooks" />;
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1}>Webhooks</Title>
        <Button onClick={() => setCreating(true)}>New endpoint</Button>
      </Group>
      <Text size="sm" c="dimmed" maw={720}>
        Lectern POSTs each content change (posts, categories, files) to the endpoints that asked for it,
        signed with the endpoint's secret, and retries failed deliveries with growing pauses.
      </Text>
      {hooks.isPending ? <Loading label="Loading webhooks…" /> : null}
      {hooks.isError ? (
        <ErrorAlert
          error={hooks.error}
          title={hooks.error.status === 404 ? 'No such page' : undefined}
          onRetry={() => hooks.refetch()}
        />
      ) : null}
      {hooks.data && !hooks.isError ? (
        hooks.data.count === 0 ? (
          <Empty>No webhook endpoints yet.</Empty>
        ) : (
          <Stack gap="sm" style={{ opacity: hooks.isPlaceholderData ? 0.6 : 1 }}>
            <Table.ScrollContainer minWidth={760}>
              <Table striped verticalSpacing="xs" data-testid="webhooks-table">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Endpoint</Table.Th>
                    <Table.Th>Events</Table.Th>
                    <Table.Th>Status</Table.Th>
                    <Table.Th>Created</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {hooks.data.results.map((hook) => (
                    <Table.Tr key={hook.id} data-webhook-id={hook.id}>
                      <Table.Td maw={420}>
                        <Anchor
                          fw={500}
                          style={{ overflowWrap: 'anywhere' }}
                          renderRoot={(props) => (
                            <Link to="/webhooks/$id" params={{ id: String(hook.id) }} {...props} />
                          )}
                        >
                          {hook.url}
                        </Anchor>
                        {hook.description ? (
                          <Text size="xs" c="dimmed">
                            {hook.description}
                          </Text>
                        ) : null}
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm">
                          {hook.events.length} event{hook.events.length === 1 ? '' : 's'}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <Badge color={hook.enabled ? 'green' : 'gray'} variant="light" tt="none">
                          {hook.enabled ? 'Enabled' : 'Paused'}
                        </Badge>
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm">{formatDate(hook.created_at)}</Text>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
            <Pager
              label="endpoints"
              count={hooks.data.count}
              page={page}
              pageSize={pageSize}
              onPage={(p) => navigate({ search: toPage(p) })}
              onPageSize={(size) => navigate({ search: toPageSize(size) })}
            />
          </Stack>
        )
      ) : null}
      <CreateWebhookModal opened={creating} onClose={() => setCreating(false)} />
    </Stack>
  );
}

function CreateWebhookModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const queryClient = useQueryClient();
  const [created, setCreated] = useState<WebhookWithSecret | null>(null);
  const create = useMutation({
    mutationFn: createWebhook,
    onSuccess: (hook) => {
      setCreated(hook);
      void queryClient.invalidateQueries({ queryKey: webhookKeys.all });
    },
  });
  const close = () => {
    setCreated(null);
    create.reset();
    onClose();
  };
  return (
    <Modal
      opened={opened}
      onClose={close}
      title={created ? 'Your endpoint’s signing secret' : 'New webhook endpoint'}
      centered
      size="lg"
      closeOnClickOutside={!created}
    >
      {created ? (
        <ShownOnce
          value={created.secret}
          what="secret"
          ifLost="If you lose it, rotate the secret on the endpoint's page."
          onDone={close}
        >
          <Text size="sm">
            Receivers check the <code>Lectern-Webhook-Signature</code> header of each delivery to{' '}
            <strong style={{ overflowWrap: 'anywhere' }}>{created.url}</strong> with this secret.
          </Text>
        </ShownOnce>
      ) : (
        <WebhookForm
          label="New webhook endpoint"
          initial={{ url: '', description: '', events: ['post.published'], enabled: true }}
          submitLabel="Create endpoint"
          pending={create.isPending}
          error={create.error}
          onCancel={close}
          onSubmit={(values) => create.mutate(values)}
        />
      )}
    </Modal>
  );
}
