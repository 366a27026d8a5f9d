import { AppShell, Burger, Button, Group, NavLink, ScrollArea, Stack, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useQueryClient } from '@tanstack/react-query';
import { createRoute, Link, Outlet, redirect, useLocation, useRouter } from '@tanstack/react-router';
import { MaintenanceBanner } from '../components/MaintenanceBanner.tsx';
import { sessionStore, signOut, useSession } from '../features/auth/session.ts';
import { rootRoute } from './root.tsx';

/** Every screen but sign-in: signed-in staff only; anyone else goes to sign in, and comes back after. */
export const appRoute = createRoute({
  getParentRoute: () => rootRoute,
  id: 'app',
  beforeLoad: ({ location }) => {
    if (sessionStore.get().status !== 'signed-in') {
      throw redirect({ to: '/login', search: { redirect: location.href } });
    }
  },
  component: AppLayout,
});

const NAV = [
  { to: '/', label: 'Dashboard', exact: true },
  { to: '/posts', label: 'Posts' },
  { to: '/trash', label: 'Trash' },
  { to: '/categories', label: 'Categories' },
  { to: '/files', label: 'Files' },
  { to: '/users', label: 'Users' },
  { to: '/content-keys', label: 'Content keys' },
  { to: '/webhooks', label: 'Webhooks', superuser: true },
  { to: '/settings', label: 'Settings', superuser: true },
  { to: '/profile', label: 'My profile' },
] as const;

function AppLayout() {
  const [opened, { toggle, close }] = useDisclosure();
  const session = useSession();
  const { pathname } = useLocation();
  const router = useRouter();
  const queryClient = useQueryClient();
  const user = session.status === 'signed-in' ? session.user : null;

  const onSignOut = async () => {
    await signOut();
    queryClient.clear();
    await router.navigate({ to: '/login' });
  };

  return (
    <AppShell
      header={{ height: 56 }}
      navbar={{ width: 220, breakpoint: 'sm', collapsed: { mobile: !opened } }}
      padding="md"
    >
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger
              opened={opened}
              onClick={toggle}
              hiddenFrom="sm"
              size="sm"
              aria-label="Toggle navigation"
            />
            <Title order={2} size="h4">
              Lectern admin
            </Title>
          </Group>
          <Group gap="sm" wrap="nowrap">
            {user ? (
              <Text size="sm" c="dimmed" visibleFrom="xs" data-testid="signed-in-as">
                {user.username}
                {user.is_superuser ? ' (superuser)' : ' (staff)'}
              </Text>
            ) : null}
            <Button variant="default" size="xs" onClick={onSignOut}>
              Sign out
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" aria-label="Main">
        <ScrollArea>
          <nav aria-label="Main navigation">
            <Stack gap={2}>
              {NAV.filter((item) => !('superuser' in item) || user?.is_superuser).map((item) => {
                const active =
                  'exact' in item
                    ? pathname === item.to
                    : pathname === item.to || pathname.startsWith(`${item.to}/`);
                return (
                  <NavLink
                    key={item.to}
                    label={item.label}
                    active={active}
                    variant="filled"
                    aria-current={active ? 'page' : undefined}
                    onClick={close}
                    renderRoot={(props) => <Link to={item.to} {...props} />}
                  />
                );
              })}
            </Stack>
          </nav>
        </ScrollArea>
      </AppShell.Navbar>
      <AppShell.Main>
        <Stack gap="md" maw={1200}>
          <MaintenanceBanner />
          <Outlet />
        </Stack>
      </AppShell.Main>
    </AppShell>
  );
}
