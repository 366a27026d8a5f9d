import { Button, Checkbox, Group, Stack, Switch, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { ErrorAlert } from '../../components/States.tsx';
import { fieldErrors } from '../../lib/errors.ts';
import type { LecternError } from '../../lib/sdk.ts';
import { WEBHOOK_EVENT_GROUPS, type WebhookEvent } from './queries.ts';

export interface WebhookFormValues {
  url: string;
  description: string;
  events: WebhookEvent[];
  enabled: boolean;
}

/**
 * An endpoint's URL, description, events and switch: for a new endpoint and to edit one. The server's
 * answer to a refused address (WEBHOOK_ADDRESS_REFUSED) is shown under the URL like a field error.
 */
export function WebhookForm({
  initial,
  submitLabel,
  pending,
  error,
  onSubmit,
  onCancel,
  label,
}: {
  initial: WebhookFormValues;
  submitLabel: string;
  pending: boolean;
  error: LecternError | null;
  onSubmit: (values: WebhookFormValues, dirty: (field: keyof WebhookFormValues) => boolean) => void;
  onCancel?: () => void;
  label: string;
}) {
  const form = useForm<WebhookFormValues>({
    mode: 'controlled',
    initialValues: initial,
    validate: {
      url: (v) => (/^https?:\/\/\S+$/i.test(v.trim()) ? null : 'Enter an http:// or https:// URL.'),
      events: (v) => (v.length ? null : 'Choose at least one event.'),
    },
  });
  const serverFields = error ? fieldErrors(error).fields : {};
  const refused = error?.code === 'WEBHOOK_ADDRESS_REFUSED' ? error.message : undefined;
  const urlError = form.errors.url ?? serverFields.url ?? refused;
  const eventsError = form.errors.events ?? serverFields.events;
  const otherError = error && !error.fields && !refused ? error : null;

  return (
    <form
      aria-label={label}
      noValidate
      onSubmit={form.onSubmit((values) =>
        onSubmit({ ...values, url: values.url.trim() }, (field) => form.isDirty(field)),
      )}
    >
      <Stack>
        {otherError ? <ErrorAlert error={otherError} title="Not saved" /> : null}
        <TextInput
          label="URL"
          description="Where each event is POSTed, signed with the endpoint's secret."
          placeholder="https://hooks.example.com/lectern"
          required
          maxLength={2048}
          {...form.getInputProps('url')}
          error={urlError}
        />
        <TextInput
          label="Description"
          placeholder="What the endpoint is for"
          maxLength={255}
          {...form.getInputProps('description')}
          error={form.errors.description ?? serverFields.description}
        />
        <Checkbox.Group
          label="Events"
          description="The changes this endpoint receives."
          required
          value={form.values.events}
          onChange={(value) => {
            form.setFieldValue('events', value as WebhookEvent[]);
            form.clearFieldError('events');
          }}
          error={eventsError}
        >
          <Group align="start" gap="xl" mt="xs">
            {WEBHOOK_EVENT_GROUPS.map((group) => (
              <Stack key={group.label} gap={6}>
                <Text size="sm" fw={500}>
                  {group.label}
                </Text>
                {group.events.map((event) => (
                  <Checkbox key={event} value={event} label={<code>{event}</code>} />
                ))}
              </Stack>
            ))}
          </Group>
        </Checkbox.Group>
        <Switch
          label="Enabled"
          description="Off pauses the endpoint: its deliveries wait, none is sent."
          {...form.getInputProps('enabled', { type: 'checkbox' })}
        />
        <Group justify="flex-end">
          {onCancel ? (
            <Button variant="default" onClick={onCancel}>
              Cancel
            </Button>
          ) : null}
          <Button type="submit" loading={pending}>
            {submitLabel}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
