import {
  Anchor,
  Badge,
  Button,
  Code,
  Group,
  Input,
  Modal,
  SegmentedControl,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
  VisuallyHidden,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { getRouteApi, Link, useNavigate } from '@tanstack/react-router';
import { useRef, useState } from 'react';
import { Pager } from '../../components/Pager.tsx';
import { ShownOnce } from '../../components/ShownOnce.tsx';
import { Empty, ErrorAlert, Loading } from '../../components/States.tsx';
import { describeError, fieldErrors } from '../../lib/errors.ts';
import { formatDate } from '../../lib/format.ts';
import type { LecternError } from '../../lib/sdk.ts';
import { oneOf, toPage, toPageSize } from '../../lib/search.ts';
import {
  type ContentKey,
  type CreatedContentKey,
  contentKeyKeys,
  contentKeysQuery,
  createContentKey,
  revokeContentKey,
} from './queries.ts';

/** The route's search and params, without importing the route file (which imports this one lazily). */
const contentKeysRoute = getRouteApi('/app/content-keys');

export default function ContentKeysScreen() {
  const search = contentKeysRoute.useSearch();
  const navigate = useNavigate({ from: '/content-keys' });
  const page = search.page ?? 1;
  const pageSize = search.page_size ?? 20;
  const keys = useQuery(contentKeysQuery(page, pageSize, search.status));
  const [creating, setCreating] = useState(false);
  const [revoking, setRevoking] = useState<ContentKey | null>(null);

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1}>Content keys</Title>
        <Button onClick={() => setCreating(true)}>New key</Button>
      </Group>
      <Text size="sm" c="dimmed" maw={720}>
        A content key lets a site frontend read published posts, categories and files — nothing else. Send it
        as <Code>Authorization: Bearer lk_…</Code>. Revoke a key that leaked: every server refuses it from the
        next request on.
      </Text>
      <Group align="end" role="search" aria-label="Filter keys">
        <div>
          <Input.Label id="key-status-label" display="block" mb={4}>
            Status
          </Input.Label>
          <SegmentedControl
            aria-labelledby="key-status-label"
            value={search.status ?? 'all'}
            onChange={(value) =>
              navigate({
                search: (prev) => ({
                  ...prev,
                  page: undefined,
                  status: oneOf(value, ['active', 'revoked'] as const),
                }),
              })
            }
            data={[
              { value: 'all', label: 'All' },
              { value: 'active', label: 'In use' },
              { value: 'revoked', label: 'Revoked' },
            ]}
          />
        </div>
      </Group>

      {keys.isPending ? <Loading label="Loading content keys…" /> : null}
      {keys.isError ? (
        <ErrorAlert
          error={keys.error}
          title={keys.error.status === 404 ? 'No such page' : undefined}
          onRetry={() => keys.refetch()}
        />
      ) : null}
      {keys.isError && keys.error.status === 404 && page > 1 ? (
        <Anchor
          renderRoot={(props) => (
            <Link to="/content-keys" search={{ ...search, page: undefined }} {...props} />
          )}
        >
          Go to the first page
        </Anchor>
      ) : null}
      {keys.data && !keys.isError ? (
        keys.data.count === 0 ? (
          <Empty>
            {search.status ? 'No keys match this filter.' : 'No content keys yet. Create one for each site.'}
          </Empty>
        ) : (
          <Stack gap="sm" style={{ opacity: keys.isPlaceholderData ? 0.6 : 1 }}>
            <Table.ScrollContainer minWidth={760}>
              <Table striped verticalSpacing="xs" data-testid="content-keys-table">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Name</Table.Th>
                    <Table.Th>Key</Table.Th>
                    <Table.Th>Created</Table.Th>
                    <Table.Th>Last used</Table.Th>
                    <Table.Th>Status</Table.Th>
                    <Table.Th>
                      <VisuallyHidden>Actions</VisuallyHidden>
                    </Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {keys.data.results.map((key) => (
                    <Table.Tr key={key.id} data-key-id={key.id}>
                      <Table.Td fw={500}>{key.name}</Table.Td>
                      <Table.Td>
                        <Code>{key.prefix}…</Code>
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm">{formatDate(key.created_at)}</Text>
                        {key.created_by ? (
                          <Text size="xs" c="dimmed">
                            by {key.created_by.username}
                          </Text>
                        ) : null}
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm">{key.last_used_at ? formatDate(key.last_used_at) : 'Never'}</Text>
                      </Table.Td>
                      <Table.Td>
                        {key.revoked_at ? (
                          <Badge color="red" variant="light" tt="none">
                            Revoked {formatDate(key.revoked_at)}
                          </Badge>
                        ) : (
                          <Badge color="green" variant="light" tt="none">
                            In use
                          </Badge>
                        )}
                      </Table.Td>
                      <Table.Td>
                        {key.revoked_at ? null : (
                          <Button
                            size="xs"
                            color="red"
                            variant="light"
                            onClick={() => setRevoking(key)}
                            aria-label={`Revoke ${key.name}`}
                          >
                            Revoke
                          </Button>
                        )}
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
            <Pager
              label="keys"
              count={keys.data.count}
              page={page}
              pageSize={pageSize}
              onPage={(p) => navigate({ search: toPage(p) })}
              onPageSize={(size) => navigate({ search: toPageSize(size) })}
            />
          </Stack>
        )
      ) : null}
      <CreateKeyModal opened={creating} onClose={() => setCreating(false)} />
      <RevokeKeyModal target={revoking} onClose={() => setRevoking(null)} />
    </Stack>
  );
}

/** Name a key, then see it once: after "Done" only its name and prefix are ever shown. */
function CreateKeyModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const queryClient = useQueryClient();
  const [created, setCreated] = useState<CreatedContentKey | null>(null);
  const nameRef = useRef<HTMLInputElement>(null);
  const form = useForm({
    mode: 'controlled',
    initialValues: { name: '' },
    validate: { name: (v) => (v.trim() ? null : 'Give the key a name, e.g. the site that uses it.') },
  });
  const create = useMutation({
    mutationFn: (name: string) => createContentKey(name),
    onSuccess: (key) => {
      setCreated(key);
      void queryClient.invalidateQueries({ queryKey: contentKeyKeys.all });
    },
    onError: (error: LecternError) => form.setErrors(fieldErrors(error).fields),
  });
  const close = () => {
    // The key leaves memory with the dialog.
    setCreated(null);
    form.reset();
    create.reset();
    onClose();
  };
  const otherError = create.error && !create.error.fields ? create.error : null;

  return (
    <Modal
      opened={opened}
      onClose={close}
      title={created ? 'Your new content key' : 'New content key'}
      centered
      size="lg"
      closeOnClickOutside={!created}
    >
      {created ? (
        <ShownOnce
          value={created.key}
          what="key"
          ifLost="Lectern keeps only a hash of it: if you lose it, revoke it and create another."
          onDone={close}
        >
          <Text size="sm">
            Key for <strong>{created.name}</strong>:
          </Text>
        </ShownOnce>
      ) : (
        <form
          onSubmit={form.onSubmit(
            (values) => create.mutate(values.name),
            // Refused before sending: back to the field, whose message says why.
            () => nameRef.current?.focus(),
          )}
          noValidate
          aria-label="New content key"
        >
          <Stack>
            {otherError ? <ErrorAlert error={otherError} title="Not created" /> : null}
            <TextInput
              label="Name"
              description="What the key is for, e.g. “Marketing site (production)”."
              required
              maxLength={100}
              data-autofocus
              ref={nameRef}
              {...form.getInputProps('name')}
            />
            <Group justify="flex-end">
              <Button variant="default" onClick={close}>
                Cancel
              </Button>
              <Button type="submit" loading={create.isPending}>
                Create key
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}

function RevokeKeyModal({ target, onClose }: { target: ContentKey | null; onClose: () => void }) {
  const queryClient = useQueryClient();
  const revoke = useMutation({
    mutationFn: (id: number) => revokeContentKey(id),
    onSuccess: (key) => {
      void queryClient.invalidateQueries({ queryKey: contentKeyKeys.all });
      notifications.show({ color: 'green', title: 'Key revoked', message: `“${key.name}” no longer works.` });
      onClose();
    },
    onError: (error) =>
      notifications.show({ color: 'red', title: 'Not revoked', message: describeError(error) }),
  });
  return (
    <Modal
      opened={target !== null}
      onClose={() => {
        revoke.reset();
        onClose();
      }}
      title="Revoke this key?"
      centered
    >
      <Stack>
        <Text size="sm">
          Sites using <strong>{target?.name}</strong> lose access from their next request on. This cannot be
          undone: to restore access, create a new key and give it to the site.
        </Text>
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose} data-autofocus>
            Cancel
          </Button>
          <Button color="red" loading={revoke.isPending} onClick={() => target && revoke.mutate(target.id)}>
            Revoke key
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
