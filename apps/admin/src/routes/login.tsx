import { Alert, Button, Center, Paper, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useQuery } from '@tanstack/react-query';
import { createRoute, redirect, useRouter } from '@tanstack/react-router';
import { useState } from 'react';
import { ErrorAlert } from '../components/States.tsx';
import { sessionStore, signIn, useSession } from '../features/auth/session.ts';
import { healthQuery } from '../features/settings/queries.ts';
import { fieldErrors } from '../lib/errors.ts';
import { maintenanceStore } from '../lib/maintenance.ts';
import { optionalText } from '../lib/search.ts';
import { rootRoute } from './root.tsx';

/** Only paths inside the app are followed after signing in. */
export function safeRedirect(target: string | undefined): string {
  return target?.startsWith('/') && !target.startsWith('//') && !target.startsWith('/login') ? target : '/';
}

export const loginRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: 'login',
  validateSearch: (search: Record<string, unknown>): { redirect?: string } => {
    const target = optionalText(search.redirect);
    return target ? { redirect: target } : {};
  },
  beforeLoad: ({ search }) => {
    if (sessionStore.get().status === 'signed-in') throw redirect({ href: safeRedirect(search.redirect) });
  },
  component: LoginScreen,
});

function LoginScreen() {
  const search = loginRoute.useSearch();
  const router = useRouter();
  const session = useSession();
  const health = useQuery({ ...healthQuery(), refetchInterval: 15_000 });
  const [error, setError] = useState<unknown>(null);
  const form = useForm({
    mode: 'controlled',
    initialValues: { email: '', password: '' },
    validate: {
      email: (v) => (v.trim() ? null : 'Enter your email address.'),
      password: (v) => (v ? null : 'Enter your password.'),
    },
  });
  const [pending, setPending] = useState(false);

  const submit = form.onSubmit(async (values) => {
    setPending(true);
    setError(null);
    try {
      await signIn(values.email, values.password);
      maintenanceStore.set(false);
      await router.navigate({ href: safeRedirect(search.redirect), replace: true });
    } catch (caught) {
      const { fields } = fieldErrors(caught);
      form.setErrors(fields);
      setError(caught);
    } finally {
      setPending(false);
    }
  });

  const maintenance = health.data?.maintenance === true;
  const reason = session.status === 'signed-out' ? session.reason : undefined;
  return (
    <Center mih="100vh" p="md" component="main">
      <Paper withBorder shadow="sm" p="xl" radius="md" w={400} maw="100%">
        <form onSubmit={submit} noValidate>
          <Stack>
            <Title order={1} size="h2">
              Lectern admin
            </Title>
            <Text c="dimmed" size="sm">
              Sign in with a staff account.
            </Text>
            {maintenance ? (
              <Alert color="yellow" title="Maintenance mode is on" data-testid="login-maintenance">
                The site is under maintenance: only superusers can sign in now.
              </Alert>
            ) : null}
            {reason && !error && !maintenance ? (
              <Alert color="blue" data-testid="session-reason">
                {reason}
              </Alert>
            ) : null}
            {error ? <ErrorAlert error={error} title="Could not sign in" /> : null}
            <TextInput
              label="Email"
              type="email"
              autoComplete="username"
              required
              autoFocus
              {...form.getInputProps('email')}
            />
            <PasswordInput
              label="Password"
              autoComplete="current-password"
              required
              {...form.getInputProps('password')}
            />
            <Button type="submit" loading={pending}>
              Sign in
            </Button>
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
