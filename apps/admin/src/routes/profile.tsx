import { Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { createRoute } from '@tanstack/react-router';
import { ErrorAlert, Loading } from '../components/States.tsx';
import { ProfileForm } from '../features/users/ProfileForm.tsx';
import { meQuery } from '../features/users/queries.ts';
import { appRoute } from './layout.tsx';

export const profileRoute = createRoute({
  getParentRoute: () => appRoute,
  path: 'profile',
  component: ProfileScreen,
});

function ProfileScreen() {
  const me = useQuery(meQuery());
  return (
    <Stack>
      <Title order={1}>My profile</Title>
      {me.isPending ? <Loading label="Loading your profile…" /> : null}
      {me.isError ? <ErrorAlert error={me.error} onRetry={() => me.refetch()} /> : null}
      {me.data ? (
        <>
          <Text size="sm" c="dimmed">
            {me.data.email}
          </Text>
          <ProfileForm key={me.data.updated_at.getTime()} user={me.data} withRoles={false} />
        </>
      ) : null}
    </Stack>
  );
}
