/** Every SDK call of the webhooks screens (superusers only). */
import type { RouterInputs, RouterOutputs } from '@lectern/sdk';
import { keepPreviousData, queryOptions } from '@tanstack/react-query';
import { call } from '../../lib/sdk.ts';

export type Webhook = RouterOutputs['webhooks']['get'];
export type WebhookWithSecret = RouterOutputs['webhooks']['create'];
export type WebhookDelivery = RouterOutputs['webhooks']['listDeliveries']['results'][number];
export type WebhookEvent = Webhook['events'][number];
export type DeliveryStatus = NonNullable<RouterInputs['webhooks']['listDeliveries']['status']>;
export type WebhookChanges = Omit<RouterInputs['webhooks']['update'], 'id'>;

/** Every event an endpoint may ask for, grouped as the form shows them. */
export const WEBHOOK_EVENT_GROUPS: ReadonlyArray<{ label: string; events: readonly WebhookEvent[] }> = [
  {
    label: 'Posts',
    events: [
      'post.created',
      'post.updated',
      'post.published',
      'post.unpublished',
      'post.deleted',
      'post.restored',
    ],
  },
  { label: 'Categories', events: ['category.created', 'category.updated', 'category.deleted'] },
  { label: 'Files', events: ['file.created', 'file.deleted'] },
];

export const DELIVERY_STATUSES: readonly DeliveryStatus[] = ['pending', 'delivering', 'succeeded', 'failed'];

export const webhookKeys = {
  all: ['webhooks'] as const,
  list: (page: number, pageSize: number) => ['webhooks', 'list', page, pageSize] as const,
  detail: (id: number) => ['webhooks', 'detail', id] as const,
  deliveries: (id: number, page: number, pageSize: number, status: DeliveryStatus | undefined) =>
    ['webhooks', 'deliveries', id, page, pageSize, status ?? 'all'] as const,
};

export const webhooksQuery = (page: number, pageSize: number) =>
  queryOptions({
    queryKey: webhookKeys.list(page, pageSize),
    queryFn: () => call((sdk) => sdk.webhooks.list.query({ page, page_size: pageSize })),
    placeholderData: keepPreviousData,
  });

export const webhookQuery = (id: number) =>
  queryOptions({
    queryKey: webhookKeys.detail(id),
    queryFn: () => call((sdk) => sdk.webhooks.get.query({ id })),
  });

export const deliveriesQuery = (
  id: number,
  page: number,
  pageSize: number,
  status: DeliveryStatus | undefined,
) =>
  queryOptions({
    queryKey: webhookKeys.deliveries(id, page, pageSize, status),
    queryFn: () =>
      call((sdk) => sdk.webhooks.listDeliveries.query({ id, page, page_size: pageSize, status })),
    placeholderData: keepPreviousData,
    // Deliveries move on their own (the worker sends and retries): the log refreshes while open,
    // every second while one is queued or being sent, every 10 s otherwise.
    refetchInterval: (query) =>
      query.state.data?.results.some((d) => d.status === 'pending' || d.status === 'delivering')
        ? 1000
        : 10_000,
  });

export const createWebhook = (input: RouterInputs['webhooks']['create']) =>
  call((sdk) => sdk.webhooks.create.mutate(input));

export const updateWebhook = (id: number, changes: WebhookChanges) =>
  call((sdk) => sdk.webhooks.update.mutate({ id, ...changes }));

export const deleteWebhook = (id: number) => call((sdk) => sdk.webhooks.delete.mutate({ id }));

export const redeliver = (id: number, deliveryId: number) =>
  call((sdk) => sdk.webhooks.redeliver.mutate({ id, delivery_id: deliveryId }));

export const pingWebhook = (id: number) => call((sdk) => sdk.webhooks.ping.mutate({ id }));

export const rotateSecret = (id: number) => call((sdk) => sdk.webhooks.rotateSecret.mutate({ id }));
