import type { Database } from '@lectern/db';
import type { Kysely } from 'kysely';
import { startPassLoop } from '../shared/pass-loop.ts';
import {
  type ClaimedDelivery,
  claimDueDeliveries,
  hasDueDelivery,
  purgeFinishedDeliveries,
  recordAttempt,
} from './queries.ts';
import { postWebhook, type SendOutcome } from './sender.ts';
import { signature } from './signing.ts';

/*
 * The webhook delivery worker: every server process runs one (WEBHOOK_DELIVERY), and each pass sends
 * the deliveries that are due.
 *
 * Several processes on one PostgreSQL: a pass claims due rows with `FOR UPDATE SKIP LOCKED` and marks
 * them `delivering` with a lease (`next_attempt_at` = now + lease) in one statement that commits before
 * any request goes out, so a delivery is sent by one process at a time, and its result is written only
 * by the claim that sent it.
 *
 * A crash: deliveries are queued in the transaction of their change (shared/events.ts), so a committed
 * change has its deliveries even if the process dies right after the commit; the next pass of any
 * process sends them. A process that dies while sending leaves its rows `delivering`: they are due
 * again when the lease ends and are sent again (at-least-once: receivers dedupe on
 * `Lectern-Webhook-Id`).
 */

export interface WebhookWorkerLog {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export interface WebhookDeliveryOptions {
  db: Kysely<Database>;
  /** WEBHOOK_TIMEOUT_MS: the whole exchange with a receiver. */
  timeoutMs: number;
  /** WEBHOOK_MAX_ATTEMPTS: a delivery that failed this many times is given up (`failed`). */
  maxAttempts: number;
  /** WEBHOOK_RETRY_BASE_MS: the pause after the first failure; it doubles after each next one. */
  retryBaseMs: number;
  /** WEBHOOK_RETRY_MAX_DELAY_MS: the longest pause between two attempts. */
  retryMaxDelayMs: number;
  /** WEBHOOK_ALLOW_PRIVATE: receivers on loopback and private networks are allowed. */
  allowPrivate: boolean;
  /** Deliveries claimed (and sent concurrently) at a time. */
  batchSize?: number;
  /** Sent as User-Agent: `Lectern-Webhooks/<version>`. */
  version: string;
  /** Where randomness comes from (tests may pin the jitter). */
  random?: () => number;
}

/**
 * The pause before attempt `attempts + 1`: base × 2^(attempts − 1), at most the maximum, with "equal
 * jitter" (a random value between half and all of it), so receivers that failed together are not
 * retried together.
 */
export function retryDelayMs(
  attempts: number,
  opts: Pick<WebhookDeliveryOptions, 'retryBaseMs' | 'retryMaxDelayMs'>,
  random: () => number = Math.random,
): number {
  const exponential = opts.retryBaseMs * 2 ** Math.min(Math.max(attempts - 1, 0), 40);
  const capped = Math.min(exponential, opts.retryMaxDelayMs);
  return Math.round(capped / 2 + random() * (capped / 2));
}

/** The JSON body of a delivery: the same bytes on every attempt (only the timestamp header changes). */
export function deliveryBody(delivery: Omit<ClaimedDelivery, 'url' | 'secret' | 'attempts'>): string {
  const [kind = '', key = ''] = splitSubject(delivery.subject);
  let data: Record<string, unknown>;
  if (kind === 'post') {
    data = { slug: key, author_id: delivery.author_id, is_public: delivery.is_public };
  } else if (kind === 'file') {
    data = { id: Number(key) };
  } else if (kind === 'webhook') {
    data = { webhook_id: delivery.webhook_id };
  } else {
    data = { slug: key };
  }
  return JSON.stringify({
    id: webhookMessageId(delivery),
    type: delivery.event_type,
    occurred_at: delivery.occurred_at.toISOString(),
    data,
  });
}

function splitSubject(subject: string): [string, string] {
  const at = subject.indexOf(':');
  return [subject.slice(0, at), subject.slice(at + 1)];
}

/** `evt_<event id>` (the same on every retry and redelivery), or `ping_<delivery id>` for a ping. */
export const webhookMessageId = (delivery: { id: number; event_id: number | null }) =>
  delivery.event_id === null ? `ping_${delivery.id}` : `evt_${delivery.event_id}`;

/** The headers of one attempt (README "Webhooks" documents them). */
export function deliveryHeaders(
  delivery: Pick<ClaimedDelivery, 'id' | 'event_id' | 'event_type' | 'attempts' | 'secret'>,
  body: string,
  version: string,
  now = Date.now(),
): Record<string, string> {
  const timestamp = Math.floor(now / 1000);
  return {
    'content-type': 'application/json',
    'user-agent': `Lectern-Webhooks/${version}`,
    'lectern-webhook-id': webhookMessageId(delivery),
    'lectern-webhook-event': delivery.event_type,
    'lectern-webhook-delivery': String(delivery.id),
    'lectern-webhook-attempt': String(delivery.attempts),
    'lectern-webhook-timestamp': String(timestamp),
    'lectern-webhook-signature': signature(delivery.secret, timestamp, body),
  };
}

async function attempt(
  opts: WebhookDeliveryOptions,
  delivery: ClaimedDelivery,
): Promise<{ delivery: ClaimedDelivery; outcome: SendOutcome; final: 'succeeded' | 'failed' | 'pending' }> {
  const body = deliveryBody(delivery);
  const outcome = await postWebhook({
    url: delivery.url,
    headers: deliveryHeaders(delivery, body, opts.version),
    body,
    timeoutMs: opts.timeoutMs,
    allowPrivate: opts.allowPrivate,
  });
  const retryInMs =
    outcome.ok || outcome.refused || delivery.attempts >= opts.maxAttempts
      ? null
      : retryDelayMs(delivery.attempts, opts, opts.random);
  const final = outcome.ok ? 'succeeded' : retryInMs === null ? 'failed' : 'pending';
  await recordAttempt(opts.db, delivery, {
    status: final,
    responseStatus: outcome.status,
    durationMs: outcome.durationMs,
    error: outcome.error,
    retryInMs,
  });
  return { delivery, outcome, final };
}

export interface DeliveryPassResult {
  succeeded: number;
  retrying: number;
  failed: number;
}

/**
 * One pass: claims due deliveries `batchSize` at a time and sends each batch concurrently, until
 * nothing is due (a delivery held back behind an older one of its subject is claimed by a later round
 * of the same pass, once that one is done). Safe to run from any number of processes at once.
 */
export async function deliverDueWebhooks(
  opts: WebhookDeliveryOptions,
  log?: WebhookWorkerLog,
  shouldStop: () => boolean = () => false,
): Promise<DeliveryPassResult> {
  const result: DeliveryPassResult = { succeeded: 0, retrying: 0, failed: 0 };
  if (!(await hasDueDelivery(opts.db))) return result;
  // The lease outlasts the exchange with the receiver by a wide margin: a live worker never loses it.
  const leaseMs = opts.timeoutMs * 2 + 10_000;
  while (!shouldStop()) {
    const claimed = await claimDueDeliveries(opts.db, { limit: opts.batchSize ?? 20, leaseMs });
    if (claimed.length === 0) break;
    const done = await Promise.all(claimed.map((delivery) => attempt(opts, delivery)));
    for (const { delivery, outcome, final } of done) {
      if (final === 'succeeded') result.succeeded += 1;
      else if (final === 'pending') result.retrying += 1;
      else result.failed += 1;
      if (final !== 'succeeded') {
        log?.warn(
          {
            webhook: delivery.webhook_id,
            delivery: delivery.id,
            attempt: delivery.attempts,
            status: outcome.status,
            error: outcome.error,
            final,
          },
          final === 'failed' ? 'webhook delivery given up' : 'webhook delivery failed; will retry',
        );
      }
    }
  }
  return result;
}

export interface WebhookWorker {
  /** Stops the loop and waits for a pass in progress (its requests end within the timeout). */
  stop(): Promise<void>;
}

/** How often each process trims the delivery log. */
const PURGE_INTERVAL_MS = 3_600_000;

/** Starts the loop (shared/pass-loop.ts), trimming the delivery log once an hour. */
export function startWebhookWorker(
  opts: WebhookDeliveryOptions & {
    intervalMs: number;
    /** WEBHOOK_LOG_RETENTION_DAYS: finished deliveries older than this leave the log; 0 keeps them. */
    retentionDays?: number;
    log: WebhookWorkerLog;
  },
): WebhookWorker {
  let lastPurgeAt = 0;
  return startPassLoop({
    intervalMs: opts.intervalMs,
    log: opts.log,
    failure: 'webhook delivery failed; retrying every pass',
    failed: undefined,
    pass: async (stopped) => {
      if (opts.retentionDays && Date.now() - lastPurgeAt >= PURGE_INTERVAL_MS) {
        lastPurgeAt = Date.now();
        const removed = await purgeFinishedDeliveries(opts.db, {
          days: opts.retentionDays,
          batchSize: 1000,
          maxBatches: 10,
        });
        if (removed > 0) opts.log.info({ removed }, 'webhook delivery log trimmed');
      }
      const result = await deliverDueWebhooks(opts, opts.log, stopped);
      if (result.succeeded + result.retrying + result.failed > 0) {
        opts.log.info({ ...result }, 'webhook deliveries sent');
      }
    },
  });
}
