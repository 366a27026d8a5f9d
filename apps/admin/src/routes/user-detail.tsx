import { Anchor, Badge, Button, Group, Modal, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { createRoute, Link, useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { ErrorAlert, Loading } from '../components/States.tsx';
import { ProfileForm } from '../features/users/ProfileForm.tsx';
import { deleteUser, type UserProfile, userKeys, userQuery } from '../features/users/queries.ts';
import { formatDate } from '../lib/format.ts';
import { appRoute } from './layout.tsx';

export const userRoute = createRoute({
  getParentRoute: () => appRoute,
  path: 'users/$slug',
  component: UserScreen,
});

function UserScreen() {
  const { slug } = userRoute.useParams();
  const user = useQuery(userQuery(slug));
  const [confirming, setConfirming] = useState(false);
  // Staff always get the full profile; the public shape (no email) would mean the server disagrees.
  const profile = user.data && 'email' in user.data ? (user.data as UserProfile) : null;
  return (
    <Stack>
      <Anchor size="sm" renderRoot={(props) => <Link to="/users" {...props} />}>
        ← All users
      </Anchor>
      {user.isPending ? <Loading label="Loading the user…" /> : null}
      {user.isError ? <ErrorAlert error={user.error} onRetry={() => user.refetch()} /> : null}
      {profile ? (
        <>
          <Group justify="space-between">
            <Title order={1}>{profile.username}</Title>
            <Button color="red" variant="light" onClick={() => setConfirming(true)}>
              Delete user
            </Button>
          </Group>
          <Group gap="xs">
            <Text size="sm">{profile.email}</Text>
            {profile.is_superuser ? <Badge color="grape">superuser</Badge> : null}
            {profile.is_staff ? <Badge color="blue">staff</Badge> : null}
            <Badge color={profile.is_verified ? 'green' : 'gray'} variant="light">
              {profile.is_verified ? 'verified' : 'unverified'}
            </Badge>
            <Text size="sm" c="dimmed">
              joined {formatDate(profile.date_joined)} · slug <code>{profile.slug}</code>
            </Text>
          </Group>
          <ProfileForm key={profile.updated_at.getTime()} user={profile} withRoles />
          <Modal opened={confirming} onClose={() => setConfirming(false)} title="Delete this user?" centered>
            <DeleteUser user={profile} onCancel={() => setConfirming(false)} />
          </Modal>
        </>
      ) : null}
    </Stack>
  );
}

function DeleteUser({ user, onCancel }: { user: UserProfile; onCancel: () => void }) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const remove = useMutation({
    mutationFn: () => deleteUser(user.slug),
    onSuccess: async () => {
      void queryClient.invalidateQueries({ queryKey: userKeys.all });
      notifications.show({ color: 'gray', title: 'User deleted', message: user.email });
      await navigate({ to: '/users' });
    },
  });
  return (
    <Stack>
      {remove.isError ? <ErrorAlert error={remove.error} title="Not deleted" /> : null}
      <Text size="sm">
        {user.username} ({user.email}) can no longer sign in and is signed out everywhere. Their posts and
        files stay.
      </Text>
      <Group justify="flex-end">
        <Button variant="default" onClick={onCancel} data-autofocus>
          Cancel
        </Button>
        <Button color="red" loading={remove.isPending} onClick={() => remove.mutate()}>
          Delete {user.username}
        </Button>
      </Group>
    </Stack>
  );
}
