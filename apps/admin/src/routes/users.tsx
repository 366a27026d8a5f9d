import { Anchor, Badge, Group, Input, SegmentedControl, Stack, Table, TextInput, Title } from '@mantine/core';
import { useDebouncedCallback } from '@mantine/hooks';
import { useQuery } from '@tanstack/react-query';
import { createRoute, Link, useNavigate } from '@tanstack/react-router';
import { useEffect, useState } from 'react';
import { Pager } from '../components/Pager.tsx';
import { Empty, ErrorAlert, Loading } from '../components/States.tsx';
import { usersQuery } from '../features/users/queries.ts';
import { formatDate } from '../lib/format.ts';
import { optionalBool, optionalText, pageSearch, toPage, toPageSize } from '../lib/search.ts';
import { appRoute } from './layout.tsx';

export interface UsersSearch {
  page?: number;
  page_size?: number;
  verified?: boolean;
  staff?: boolean;
  search?: string;
}

export const usersRoute = createRoute({
  getParentRoute: () => appRoute,
  path: 'users',
  validateSearch: (search: Record<string, unknown>): UsersSearch => {
    const verified = optionalBool(search.verified);
    const staff = optionalBool(search.staff);
    const text = optionalText(search.search);
    return {
      ...pageSearch(search),
      ...(verified !== undefined ? { verified } : {}),
      ...(staff !== undefined ? { staff } : {}),
      ...(text ? { search: text } : {}),
    };
  },
  component: UsersScreen,
});

const triState = (value: boolean | undefined) => (value === undefined ? 'any' : value ? 'yes' : 'no');
const fromTriState = (value: string) => (value === 'yes' ? true : value === 'no' ? false : undefined);

function UsersScreen() {
  const search = usersRoute.useSearch();
  const navigate = useNavigate({ from: '/users' });
  const page = search.page ?? 1;
  const pageSize = search.page_size ?? 20;
  const users = useQuery(
    usersQuery({ page, pageSize, verified: search.verified, staff: search.staff, search: search.search }),
  );
  const setFilter = (patch: Partial<UsersSearch>) =>
    navigate({ search: (prev) => ({ ...prev, ...patch, page: undefined }) });
  const [text, setText] = useState(search.search ?? '');
  useEffect(() => setText(search.search ?? ''), [search.search]);
  const commitText = useDebouncedCallback(
    (value: string) => setFilter({ search: value.trim() || undefined }),
    400,
  );

  return (
    <Stack>
      <Title order={1}>Users</Title>
      <Group align="end" gap="md" wrap="wrap" role="search" aria-label="Filter users">
        <TextInput
          label="Search"
          placeholder="Email or username"
          w={260}
          value={text}
          onChange={(e) => {
            setText(e.currentTarget.value);
            commitText(e.currentTarget.value);
          }}
        />
        {(['verified', 'staff'] as const).map((name) => (
          <div key={name}>
            <Input.Label id={`${name}-filter-label`} display="block" mb={4}>
              {name === 'verified' ? 'Verified' : 'Staff'}
            </Input.Label>
            <SegmentedControl
              aria-labelledby={`${name}-filter-label`}
              value={triState(search[name])}
              onChange={(value) => setFilter({ [name]: fromTriState(value) })}
              data={[
                { value: 'any', label: 'Any' },
                { value: 'yes', label: 'Yes' },
                { value: 'no', label: 'No' },
              ]}
            />
          </div>
        ))}
      </Group>
      {users.isPending ? <Loading label="Loading users…" /> : null}
      {users.isError ? <ErrorAlert error={users.error} onRetry={() => users.refetch()} /> : null}
      {users.data && !users.isError ? (
        users.data.count === 0 ? (
          <Empty>No users match these filters.</Empty>
        ) : (
          <Stack gap="sm">
            <Table.ScrollContainer minWidth={720}>
              <Table striped highlightOnHover verticalSpacing="xs" data-testid="users-table">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Username</Table.Th>
                    <Table.Th>Email</Table.Th>
                    <Table.Th>Roles</Table.Th>
                    <Table.Th>Joined</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {users.data.results.map((user) => (
                    <Table.Tr key={user.id} data-slug={user.slug}>
                      <Table.Td>
                        <Anchor
                          fw={500}
                          renderRoot={(props) => (
                            <Link to="/users/$slug" params={{ slug: user.slug }} {...props} />
                          )}
                        >
                          {user.username}
                        </Anchor>
                      </Table.Td>
                      <Table.Td>{user.email}</Table.Td>
                      <Table.Td>
                        <Group gap={4}>
                          {user.is_superuser ? <Badge color="grape">superuser</Badge> : null}
                          {user.is_staff ? <Badge color="blue">staff</Badge> : null}
                          <Badge color={user.is_verified ? 'green' : 'gray'} variant="light">
                            {user.is_verified ? 'verified' : 'unverified'}
                          </Badge>
                        </Group>
                      </Table.Td>
                      <Table.Td>{formatDate(user.date_joined)}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
            <Pager
              label="users"
              count={users.data.count}
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
