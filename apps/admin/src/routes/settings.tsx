import { Alert, Button, Card, Group, Modal, Stack, Switch, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { createRoute } from '@tanstack/react-router';
import { useState } from 'react';
import { ErrorAlert, Loading } from '../components/States.tsx';
import { currentUser } from '../features/auth/session.ts';
import { settingsKeys, settingsQuery, updateSettings } from '../features/settings/queries.ts';
import { maintenanceStore } from '../lib/maintenance.ts';
import { appRoute } from './layout.tsx';

export const settingsRoute = createRoute({
  getParentRoute: () => appRoute,
  path: 'settings',
  component: SettingsScreen,
});

function SettingsScreen() {
  const superuser = currentUser()?.is_superuser === true;
  const settings = useQuery({ ...settingsQuery(), enabled: superuser });
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const update = useMutation({
    mutationFn: updateSettings,
    onSuccess: (saved) => {
      queryClient.setQueryData(settingsKeys.settings, saved);
      void queryClient.invalidateQueries({ queryKey: settingsKeys.health });
      setConfirming(false);
      // The superuser's own screens are refused too while it is on; off again, everything reloads.
      maintenanceStore.set(saved.maintenance);
      if (!saved.maintenance) void queryClient.invalidateQueries();
      notifications.show({
        color: 'green',
        title: 'Settings saved',
        message: `Maintenance ${saved.maintenance ? 'on' : 'off'}, registration ${saved.allow_registration ? 'open' : 'closed'}, anonymous read ${saved.anonymous_read ? 'on' : 'off'}.`,
      });
    },
  });

  if (!superuser) {
    return (
      <Stack>
        <Title order={1}>Settings</Title>
        <Alert color="orange" title="Not allowed">
          Only a superuser can change the runtime settings.
        </Alert>
      </Stack>
    );
  }
  return (
    <Stack>
      <Title order={1}>Settings</Title>
      {settings.isPending ? <Loading label="Loading settings…" /> : null}
      {settings.isError ? <ErrorAlert error={settings.error} onRetry={() => settings.refetch()} /> : null}
      {update.isError ? <ErrorAlert error={update.error} title="Not saved" /> : null}
      {settings.data ? (
        <Card withBorder maw={640}>
          <Stack>
            <Switch
              size="md"
              label="Maintenance mode"
              description="Every request is refused with 503 except a superuser's sign-in and these settings."
              checked={settings.data.maintenance}
              disabled={update.isPending}
              onChange={(e) => {
                if (e.currentTarget.checked) setConfirming(true);
                else update.mutate({ maintenance: false });
              }}
            />
            <Switch
              size="md"
              label="Open registration"
              description="Anyone may create an account (it must verify its email before signing in)."
              checked={settings.data.allow_registration}
              disabled={update.isPending}
              onChange={(e) => update.mutate({ allow_registration: e.currentTarget.checked })}
            />
            <Switch
              size="md"
              label="Anonymous read"
              description="Anyone may read published posts, categories and files through the API without an account or a content key. Off: readers need to sign in, or a site frontend needs a content key."
              checked={settings.data.anonymous_read}
              disabled={update.isPending}
              onChange={(e) => update.mutate({ anonymous_read: e.currentTarget.checked })}
            />
          </Stack>
        </Card>
      ) : null}
      <Modal
        opened={confirming}
        onClose={() => setConfirming(false)}
        title="Turn maintenance mode on?"
        centered
      >
        <Stack>
          <Text size="sm">
            The site stops answering everyone — readers, apps and staff — until a superuser turns it off here.
          </Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirming(false)} data-autofocus>
              Cancel
            </Button>
            <Button
              color="red"
              loading={update.isPending}
              onClick={() => update.mutate({ maintenance: true })}
            >
              Turn maintenance on
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}
