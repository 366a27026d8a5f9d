import { Alert, Button, Center, Group, Loader, Stack, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { describeError } from '../lib/errors.ts';
import { LecternError } from '../lib/sdk.ts';

/** A server answer that stopped a screen or a form, in words (403 → not allowed, 429 → when to retry…). */
export function ErrorAlert({
  error,
  title,
  onRetry,
}: {
  error: unknown;
  title?: string;
  onRetry?: () => void;
}) {
  const e = LecternError.from(error);
  const heading =
    title ??
    (e.status === 403
      ? 'Not allowed'
      : e.status === 404
        ? 'Not found'
        : e.status === 429
          ? 'Too many requests'
          : e.status === 503
            ? 'Under maintenance'
            : 'Something went wrong');
  return (
    <Alert
      color={e.status === 403 || e.status === 503 ? 'orange' : 'red'}
      title={heading}
      role="alert"
      data-error-code={e.code}
    >
      <Stack gap="xs">
        <Text size="sm">{describeError(e)}</Text>
        {onRetry && e.status !== 403 && e.status !== 404 ? (
          <Group>
            <Button size="xs" variant="white" color="red" onClick={onRetry}>
              Try again
            </Button>
          </Group>
        ) : null}
      </Stack>
    </Alert>
  );
}

export function Loading({ label }: { label: string }) {
  return (
    <Center py="xl" role="status" aria-live="polite">
      <Group gap="sm">
        <Loader size="sm" />
        <Text c="dimmed">{label}</Text>
      </Group>
    </Center>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return (
    <Center py="xl">
      <Text c="dimmed" data-testid="empty-state">
        {children}
      </Text>
    </Center>
  );
}
