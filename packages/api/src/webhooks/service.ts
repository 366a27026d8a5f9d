import type { ContentEventType } from '@lectern/db';
import type { AuthedContext } from '../context.ts';
import { fail, LecternError } from '../errors.ts';
import { AddressRefusedError, checkUrlHost } from './addresses.ts';
import {
  type DeliveryRecord,
  deleteWebhook,
  findDelivery,
  findWebhookById,
  insertWebhook,
  listDeliveries,
  listWebhooks,
  queuePing,
  queueRedelivery,
  updateWebhook,
  type WebhookRecord,
} from './queries.ts';
import type { Webhook, WebhookDelivery, WebhookWithSecret } from './schemas.ts';
import { generateSecret } from './signing.ts';

/** An id from the path: digits, else no such thing (404, as for any unknown id). */
function pathId(raw: number | string): number {
  const id = typeof raw === 'number' ? raw : /^\d{1,15}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(id) || id < 1) throw fail.notFound();
  return id;
}

const webhookId = (raw: number | string) => {
  const id = pathId(raw);
  if (id > 2_147_483_647) throw fail.notFound();
  return id;
};

/**
 * A receiver URL as stored: http or https, no credentials, and — unless WEBHOOK_ALLOW_PRIVATE — no IP
 * literal outside public unicast and no `localhost` name (400 WEBHOOK_ADDRESS_REFUSED). A name that
 * resolves to a private address is refused at send time (addresses.ts), when the lookup is made.
 */
function receiverUrl(ctx: AuthedContext, raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw fail.field('url', 'Enter a valid URL.');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw fail.field('url', 'Only http and https URLs are allowed.');
  }
  if (url.username !== '' || url.password !== '') {
    throw fail.field('url', 'A webhook URL may not carry a user name or password.');
  }
  try {
    checkUrlHost(url, ctx.config.webhookAllowPrivate);
  } catch (error) {
    if (!(error instanceof AddressRefusedError)) throw error;
    throw new LecternError({
      code: 'WEBHOOK_ADDRESS_REFUSED',
      message: `Webhook URLs must reach a public address: ${error.message}`,
    });
  }
  return url.href;
}

const uniqueEvents = (events: readonly ContentEventType[]) => [...new Set(events)];

const toWebhook = (record: WebhookRecord): Webhook => ({ ...record });

function toDelivery(record: DeliveryRecord): WebhookDelivery {
  const unfinished = record.status === 'pending' || record.status === 'delivering';
  return { ...record, next_attempt_at: unfinished ? record.next_attempt_at : null };
}

async function loadWebhook(ctx: AuthedContext, id: number): Promise<Webhook> {
  const record = await findWebhookById(ctx.db, id);
  if (!record) throw fail.notFound();
  return toWebhook(record);
}

/** Registers an endpoint with a new secret, returned this once. */
export async function createWebhook(
  ctx: AuthedContext,
  input: {
    url: string;
    events: ContentEventType[];
    description?: string | undefined;
    enabled?: boolean | undefined;
  },
): Promise<WebhookWithSecret> {
  const secret = generateSecret();
  const id = await insertWebhook(ctx.db, {
    url: receiverUrl(ctx, input.url),
    events: uniqueEvents(input.events),
    description: input.description ?? '',
    enabled: input.enabled ?? true,
    secret,
    created_by: ctx.user.id,
  });
  return { ...(await loadWebhook(ctx, id)), secret };
}

export const getWebhook = (ctx: AuthedContext, rawId: number | string) => loadWebhook(ctx, webhookId(rawId));

export async function listEndpoints(
  ctx: AuthedContext,
  window: { limit: number; offset: number },
): Promise<{ count: number; results: Webhook[] }> {
  const page = await listWebhooks(ctx.db, window);
  return { count: page.count, results: page.results.map(toWebhook) };
}

export async function changeWebhook(
  ctx: AuthedContext,
  input: {
    id: number | string;
    url?: string | undefined;
    events?: ContentEventType[] | undefined;
    description?: string | undefined;
    enabled?: boolean | undefined;
  },
): Promise<Webhook> {
  const id = webhookId(input.id);
  const found = await updateWebhook(ctx.db, id, {
    url: input.url === undefined ? undefined : receiverUrl(ctx, input.url),
    events: input.events === undefined ? undefined : uniqueEvents(input.events),
    description: input.description,
    enabled: input.enabled,
  });
  if (!found) throw fail.notFound();
  return loadWebhook(ctx, id);
}

/** A new secret: deliveries from the next attempt on are signed with it; returned this once. */
export async function rotateWebhookSecret(
  ctx: AuthedContext,
  rawId: number | string,
): Promise<WebhookWithSecret> {
  const id = webhookId(rawId);
  const secret = generateSecret();
  if (!(await updateWebhook(ctx.db, id, { secret }))) throw fail.notFound();
  return { ...(await loadWebhook(ctx, id)), secret };
}

/** Deletes an endpoint with its queue and log: nothing more is sent to it. */
export async function removeWebhook(ctx: AuthedContext, rawId: number | string): Promise<void> {
  if (!(await deleteWebhook(ctx.db, webhookId(rawId)))) throw fail.notFound();
}

export async function listWebhookDeliveries(
  ctx: AuthedContext,
  opts: {
    id: number | string;
    status: WebhookDelivery['status'] | undefined;
    limit: number;
    offset: number;
  },
): Promise<{ count: number; results: WebhookDelivery[] }> {
  const id = webhookId(opts.id);
  await loadWebhook(ctx, id);
  const page = await listDeliveries(ctx.db, {
    webhookId: id,
    status: opts.status,
    limit: opts.limit,
    offset: opts.offset,
  });
  return { count: page.count, results: page.results.map(toDelivery) };
}

async function loadDelivery(ctx: AuthedContext, webhook: number, id: number): Promise<WebhookDelivery> {
  const record = await findDelivery(ctx.db, webhook, id);
  if (!record) throw fail.notFound();
  return toDelivery(record);
}

export const getWebhookDelivery = (
  ctx: AuthedContext,
  rawId: number | string,
  rawDelivery: number | string,
) => loadDelivery(ctx, webhookId(rawId), pathId(rawDelivery));

/**
 * Queues the event of a finished delivery again, as a new delivery (the old one stays in the log). A
 * delivery still queued or being sent is 409: it will be attempted anyway.
 */
export async function redeliver(
  ctx: AuthedContext,
  rawId: number | string,
  rawDelivery: number | string,
): Promise<WebhookDelivery> {
  const id = webhookId(rawId);
  const delivery = await loadDelivery(ctx, id, pathId(rawDelivery));
  if (delivery.status === 'pending' || delivery.status === 'delivering') {
    throw new LecternError({
      code: 'CONFLICT',
      message: 'This delivery is still queued; it will be attempted without a redelivery.',
    });
  }
  return loadDelivery(ctx, id, await queueRedelivery(ctx.db, id, delivery.id));
}

/** Queues a `webhook.ping` delivery, sent like any other (even to a disabled endpoint once enabled). */
export async function pingWebhook(ctx: AuthedContext, rawId: number | string): Promise<WebhookDelivery> {
  const id = webhookId(rawId);
  await loadWebhook(ctx, id);
  return loadDelivery(ctx, id, await queuePing(ctx.db, id));
}
