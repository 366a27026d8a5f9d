import {
  Alert,
  Anchor,
  Badge,
  Button,
  Group,
  Input,
  Modal,
  Paper,
  SegmentedControl,
  Stack,
  Table,
  Text,
  Title,
  VisuallyHidden,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { getRouteApi, Link, useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { Pager } from '../../components/Pager.tsx';
import { ShownOnce } from '../../components/ShownOnce.tsx';
import { Empty, ErrorAlert, Loading } from '../../components/States.tsx';
import { describeError } from '../../lib/errors.ts';
import { formatDate } from '../../lib/format.ts';
import { oneOf, positiveInt, toPage, toPageSize } from '../../lib/search.ts';
import { currentUser } from '../auth/session.ts';
import {
  DELIVERY_STATUSES,
  type DeliveryStatus,
  deleteWebhook,
  deliveriesQuery,
  pingWebhook,
  redeliver,
  rotateSecret,
  updateWebhook,
  type Webhook,
  type WebhookDelivery,
  type WebhookWithSecret,
  webhookKeys,
  webhookQuery,
} from './queries.ts';
import { WebhookForm } from './WebhookForm.tsx';
import { SuperuserOnly } from './WebhooksScreen.tsx';

/** The route's search and params, without importing the route file (which imports this one lazily). */
const webhookRoute = getRouteApi('/app/webhooks/$id');

const STATUS_LABELS: Record<DeliveryStatus, string> = {
  pending: 'Pending',
  delivering: 'Sending',
  succeeded: 'Delivered',
  failed: 'Failed',
};
const STATUS_COLORS: Record<DeliveryStatus, string> = {
  pending: 'yellow',
  delivering: 'blue',
  succeeded: 'green',
  failed: 'red',
};

export default function WebhookScreen() {
  const superuser = currentUser()?.is_superuser === true;
  const { id: idParam } = webhookRoute.useParams();
  const id = positiveInt(idParam, 0);
  const hook = useQuery({ ...webhookQuery(id), enabled: superuser && id > 0 });
  if (!superuser) return <SuperuserOnly title="Webhook" />;
  return (
    <Stack>
      <Group>
        <Anchor size="sm" renderRoot={(props) => <Link to="/webhooks" {...props} />}>
          ← All webhooks
        </Anchor>
      </Group>
      <Title order={1}>Webhook endpoint</Title>
      {id === 0 ? (
        <Alert color="red" title="Not found" role="alert">
          There is no such webhook.
        </Alert>
      ) : null}
      {hook.isPending && id > 0 ? <Loading label="Loading the endpoint…" /> : null}
      {hook.isError ? <ErrorAlert error={hook.error} onRetry={() => hook.refetch()} /> : null}
      {hook.data ? <WebhookDetail hook={hook.data} /> : null}
    </Stack>
  );
}

function WebhookDetail({ hook }: { hook: Webhook }) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [version, setVersion] = useState(0);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [confirmRotate, setConfirmRotate] = useState(false);
  const [secret, setSecret] = useState<WebhookWithSecret | null>(null);

  const refresh = () => void queryClient.invalidateQueries({ queryKey: webhookKeys.all });
  const save = useMutation({
    mutationFn: (changes: Parameters<typeof updateWebhook>[1]) => updateWebhook(hook.id, changes),
    onSuccess: (saved) => {
      queryClient.setQueryData(webhookKeys.detail(saved.id), saved);
      refresh();
      setVersion((v) => v + 1);
      notifications.show({ color: 'green', title: 'Saved', message: 'The endpoint is saved.' });
    },
  });
  const remove = useMutation({
    mutationFn: () => deleteWebhook(hook.id),
    onSuccess: async () => {
      refresh();
      notifications.show({ color: 'green', title: 'Deleted', message: `${hook.url} receives nothing more.` });
      await navigate({ to: '/webhooks' });
    },
  });
  const ping = useMutation({
    mutationFn: () => pingWebhook(hook.id),
    onSuccess: () => {
      refresh();
      notifications.show({
        color: 'green',
        title: 'Test delivery queued',
        message: 'Its outcome appears in the delivery log.',
      });
    },
    onError: (error) =>
      notifications.show({ color: 'red', title: 'Not sent', message: describeError(error) }),
  });
  const rotate = useMutation({
    mutationFn: () => rotateSecret(hook.id),
    onSuccess: (result) => {
      setConfirmRotate(false);
      setSecret(result);
    },
  });

  return (
    <Stack gap="lg">
      <Paper withBorder p="md" maw={820}>
        <WebhookForm
          key={version}
          label="Edit webhook endpoint"
          initial={{
            url: hook.url,
            description: hook.description,
            events: hook.events,
            enabled: hook.enabled,
          }}
          submitLabel="Save"
          pending={save.isPending}
          error={save.error}
          onSubmit={(values, dirty) =>
            save.mutate({
              ...(dirty('url') ? { url: values.url } : {}),
              ...(dirty('description') ? { description: values.description } : {}),
              ...(dirty('events') ? { events: values.events } : {}),
              ...(dirty('enabled') ? { enabled: values.enabled } : {}),
            })
          }
        />
      </Paper>
      <Group>
        <Button variant="light" loading={ping.isPending} onClick={() => ping.mutate()}>
          Send a test delivery
        </Button>
        <Button variant="default" onClick={() => setConfirmRotate(true)}>
          Rotate the secret
        </Button>
        <Button color="red" variant="light" onClick={() => setConfirmDelete(true)}>
          Delete endpoint
        </Button>
      </Group>
      <DeliveryLog hook={hook} />

      <Modal
        opened={confirmDelete}
        onClose={() => setConfirmDelete(false)}
        title="Delete this endpoint?"
        centered
      >
        <Stack>
          <Text size="sm">
            Nothing more is sent to <strong style={{ overflowWrap: 'anywhere' }}>{hook.url}</strong>; its
            queued deliveries and its delivery log are deleted with it.
          </Text>
          {remove.isError ? <ErrorAlert error={remove.error} title="Not deleted" /> : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirmDelete(false)} data-autofocus>
              Cancel
            </Button>
            <Button color="red" loading={remove.isPending} onClick={() => remove.mutate()}>
              Delete endpoint
            </Button>
          </Group>
        </Stack>
      </Modal>
      <Modal
        opened={confirmRotate}
        onClose={() => setConfirmRotate(false)}
        title="Rotate the secret?"
        centered
      >
        <Stack>
          <Text size="sm">
            Every delivery from now on — retries included — is signed with a new secret. The receiver must be
            given the new one, or it will reject them.
          </Text>
          {rotate.isError ? <ErrorAlert error={rotate.error} title="Not rotated" /> : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirmRotate(false)} data-autofocus>
              Cancel
            </Button>
            <Button loading={rotate.isPending} onClick={() => rotate.mutate()}>
              Rotate the secret
            </Button>
          </Group>
        </Stack>
      </Modal>
      <Modal
        opened={secret !== null}
        onClose={() => setSecret(null)}
        title="The new signing secret"
        centered
        size="lg"
        closeOnClickOutside={false}
      >
        {secret ? (
          <ShownOnce
            value={secret.secret}
            what="secret"
            ifLost="If you lose it, rotate it again."
            onDone={() => setSecret(null)}
          />
        ) : null}
      </Modal>
    </Stack>
  );
}

function DeliveryLog({ hook }: { hook: Webhook }) {
  const search = webhookRoute.useSearch();
  const navigate = useNavigate({ from: '/webhooks/$id' });
  const queryClient = useQueryClient();
  const page = search.page ?? 1;
  const pageSize = search.page_size ?? 20;
  const deliveries = useQuery(deliveriesQuery(hook.id, page, pageSize, search.status));
  const again = useMutation({
    mutationFn: (delivery: WebhookDelivery) => redeliver(hook.id, delivery.id),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: webhookKeys.all });
      notifications.show({
        color: 'green',
        title: 'Redelivery queued',
        message: 'A new delivery of the same event is on its way.',
      });
    },
    onError: (error) =>
      notifications.show({ color: 'red', title: 'Not redelivered', message: describeError(error) }),
  });

  return (
    <Stack gap="sm">
      <Title order={2} size="h3">
        Delivery log
      </Title>
      <Group align="end" role="search" aria-label="Filter deliveries">
        <div>
          <Input.Label id="delivery-status-label" display="block" mb={4}>
            Status
          </Input.Label>
          <SegmentedControl
            aria-labelledby="delivery-status-label"
            value={search.status ?? 'all'}
            onChange={(value) =>
              navigate({
                search: (prev) => ({ ...prev, page: undefined, status: oneOf(value, DELIVERY_STATUSES) }),
              })
            }
            data={[
              { value: 'all', label: 'All' },
              ...DELIVERY_STATUSES.map((s) => ({ value: s, label: STATUS_LABELS[s] })),
            ]}
          />
        </div>
      </Group>
      {deliveries.isPending ? <Loading label="Loading deliveries…" /> : null}
      {deliveries.isError ? (
        <ErrorAlert error={deliveries.error} onRetry={() => deliveries.refetch()} />
      ) : null}
      {deliveries.data && !deliveries.isError ? (
        deliveries.data.count === 0 ? (
          <Empty>
            {search.status
              ? 'No deliveries in this state.'
              : 'Nothing delivered yet. Send a test delivery, or change some content.'}
          </Empty>
        ) : (
          <Stack gap="sm" style={{ opacity: deliveries.isPlaceholderData ? 0.6 : 1 }}>
            <Table.ScrollContainer minWidth={900}>
              <Table striped verticalSpacing="xs" data-testid="deliveries-table">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Time</Table.Th>
                    <Table.Th>Event</Table.Th>
                    <Table.Th>Status</Table.Th>
                    <Table.Th>Response</Table.Th>
                    <Table.Th>Duration</Table.Th>
                    <Table.Th>Attempts</Table.Th>
                    <Table.Th>
                      <VisuallyHidden>Actions</VisuallyHidden>
                    </Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {deliveries.data.results.map((d) => {
                    const busy = d.status === 'pending' || d.status === 'delivering';
                    return (
                      <Table.Tr key={d.id} data-delivery-id={d.id} data-status={d.status}>
                        <Table.Td>
                          <Text size="sm">{formatDate(d.last_attempt_at ?? d.created_at)}</Text>
                          {d.next_attempt_at && d.status === 'pending' ? (
                            <Text size="xs" c="dimmed">
                              next try {formatDate(d.next_attempt_at)}
                            </Text>
                          ) : null}
                        </Table.Td>
                        <Table.Td>
                          <Text size="sm">
                            <code>{d.event_type}</code>
                          </Text>
                          <Text size="xs" c="dimmed">
                            {d.subject}
                            {d.redelivery_of ? ` · redelivery of #${d.redelivery_of}` : ''}
                          </Text>
                        </Table.Td>
                        <Table.Td>
                          <Badge color={STATUS_COLORS[d.status]} variant="light" tt="none">
                            {STATUS_LABELS[d.status]}
                          </Badge>
                        </Table.Td>
                        <Table.Td>
                          <Text size="sm">{d.response_status ?? '—'}</Text>
                          {d.error ? (
                            <Text size="xs" c="dimmed" maw={260} style={{ overflowWrap: 'anywhere' }}>
                              {d.error}
                            </Text>
                          ) : null}
                        </Table.Td>
                        <Table.Td>
                          <Text size="sm">{d.duration_ms === null ? '—' : `${d.duration_ms} ms`}</Text>
                        </Table.Td>
                        <Table.Td>
                          <Text size="sm">{d.attempts}</Text>
                        </Table.Td>
                        <Table.Td>
                          {busy ? (
                            <Text size="xs" c="dimmed">
                              In progress
                            </Text>
                          ) : (
                            <Button
                              size="xs"
                              variant="light"
                              loading={again.isPending && again.variables?.id === d.id}
                              onClick={() => again.mutate(d)}
                              aria-label={`Redeliver delivery ${d.id}`}
                            >
                              Redeliver
                            </Button>
                          )}
                        </Table.Td>
                      </Table.Tr>
                    );
                  })}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
            <Pager
              label="deliveries"
              count={deliveries.data.count}
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
