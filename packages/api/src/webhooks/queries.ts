import type { ContentEventType, Database, WebhookDeliveryStatus } from '@lectern/db';
import { type Kysely, sql } from 'kysely';
import type { UserRef } from '../shared/schemas.ts';
import { withCreatedBy } from '../shared/sql.ts';

/*
 * Webhook endpoints and the delivery queue (migration 0050). The worker's conditions match the partial
 * indexes (`status IN ('pending', 'delivering')`), so its probe and claim read only unfinished rows.
 */

const unfinished = sql<boolean>`status IN ('pending', 'delivering')`;

export interface WebhookRecord {
  id: number;
  url: string;
  description: string;
  events: ContentEventType[];
  enabled: boolean;
  created_by: UserRef | null;
  created_at: Date;
  updated_at: Date;
}

function webhookQuery(db: Kysely<Database>) {
  return db
    .selectFrom('webhooks as w')
    .leftJoin('users as u', 'u.id', 'w.created_by')
    .select([
      'w.id',
      'w.url',
      'w.description',
      'w.events',
      'w.enabled',
      'w.created_at',
      'w.updated_at',
      'u.id as creator_id',
      'u.username as creator_username',
      'u.slug as creator_slug',
    ]);
}

type WebhookQueryRow = Awaited<ReturnType<ReturnType<typeof webhookQuery>['executeTakeFirstOrThrow']>>;

function toRecord(row: WebhookQueryRow): WebhookRecord {
  return withCreatedBy(row);
}

export async function insertWebhook(
  db: Kysely<Database>,
  values: {
    url: string;
    description: string;
    events: ContentEventType[];
    enabled: boolean;
    secret: string;
    created_by: number;
  },
): Promise<number> {
  const row = await db
    .insertInto('webhooks')
    .values({ ...values, events: sql<ContentEventType[]>`${values.events}::varchar(32)[]` })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function findWebhookById(db: Kysely<Database>, id: number): Promise<WebhookRecord | undefined> {
  const row = await webhookQuery(db).where('w.id', '=', id).executeTakeFirst();
  return row ? toRecord(row) : undefined;
}

export async function listWebhooks(
  db: Kysely<Database>,
  opts: { limit: number; offset: number },
): Promise<{ count: number; results: WebhookRecord[] }> {
  const { count } = await db
    .selectFrom('webhooks')
    .select(sql<number>`count(*)::int`.as('count'))
    .executeTakeFirstOrThrow();
  if (count === 0 || opts.offset >= count) return { count, results: [] };
  const rows = await webhookQuery(db)
    .orderBy('w.created_at', 'desc')
    .orderBy('w.id', 'desc')
    .limit(opts.limit)
    .offset(opts.offset)
    .execute();
  return { count, results: rows.map(toRecord) };
}

/** Changes the fields given; false when there is no such endpoint. */
export async function updateWebhook(
  db: Kysely<Database>,
  id: number,
  changes: {
    url?: string | undefined;
    description?: string | undefined;
    events?: ContentEventType[] | undefined;
    enabled?: boolean | undefined;
    secret?: string | undefined;
  },
): Promise<boolean> {
  const { events, ...rest } = changes;
  const set = Object.fromEntries(Object.entries(rest).filter(([, value]) => value !== undefined));
  const result = await db
    .updateTable('webhooks')
    .set({
      ...set,
      ...(events ? { events: sql<ContentEventType[]>`${events}::varchar(32)[]` } : {}),
      updated_at: sql<Date>`now()`,
    })
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Deletes an endpoint and its delivery log; false when there is no such endpoint. */
export async function deleteWebhook(db: Kysely<Database>, id: number): Promise<boolean> {
  const result = await db.deleteFrom('webhooks').where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

const deliveryColumns = [
  'id',
  'webhook_id',
  'event_id',
  'event_type',
  'subject',
  'status',
  'attempts',
  'next_attempt_at',
  'last_attempt_at',
  'response_status',
  'duration_ms',
  'error',
  'redelivery_of',
  'created_at',
] as const;

export interface DeliveryRecord {
  id: number;
  webhook_id: number;
  event_id: number | null;
  event_type: string;
  subject: string;
  status: WebhookDeliveryStatus;
  attempts: number;
  next_attempt_at: Date;
  last_attempt_at: Date | null;
  response_status: number | null;
  duration_ms: number | null;
  error: string | null;
  redelivery_of: number | null;
  created_at: Date;
}

export async function listDeliveries(
  db: Kysely<Database>,
  opts: { webhookId: number; status: WebhookDeliveryStatus | undefined; limit: number; offset: number },
): Promise<{ count: number; results: DeliveryRecord[] }> {
  let countQuery = db
    .selectFrom('webhook_deliveries')
    .select(sql<number>`count(*)::int`.as('count'))
    .where('webhook_id', '=', opts.webhookId);
  let pageQuery = db
    .selectFrom('webhook_deliveries')
    .select(deliveryColumns)
    .where('webhook_id', '=', opts.webhookId);
  if (opts.status) {
    countQuery = countQuery.where('status', '=', opts.status);
    pageQuery = pageQuery.where('status', '=', opts.status);
  }
  const { count } = await countQuery.executeTakeFirstOrThrow();
  if (count === 0 || opts.offset >= count) return { count, results: [] };
  const results = await pageQuery.orderBy('id', 'desc').limit(opts.limit).offset(opts.offset).execute();
  return { count, results };
}

export async function findDelivery(
  db: Kysely<Database>,
  webhookId: number,
  id: number,
): Promise<DeliveryRecord | undefined> {
  return db
    .selectFrom('webhook_deliveries')
    .select(deliveryColumns)
    .where('webhook_id', '=', webhookId)
    .where('id', '=', id)
    .executeTakeFirst();
}

/** Queues a new delivery of the same event to the same endpoint (the old row stays in the log). */
export async function queueRedelivery(db: Kysely<Database>, webhookId: number, id: number): Promise<number> {
  const row = await db
    .insertInto('webhook_deliveries')
    .columns([
      'webhook_id',
      'event_id',
      'event_type',
      'subject',
      'author_id',
      'is_public',
      'occurred_at',
      'redelivery_of',
    ])
    .expression((eb) =>
      eb
        .selectFrom('webhook_deliveries')
        .select([
          'webhook_id',
          'event_id',
          'event_type',
          'subject',
          'author_id',
          'is_public',
          'occurred_at',
          'id',
        ])
        .where('webhook_id', '=', webhookId)
        .where('id', '=', id),
    )
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Queues a test delivery (`webhook.ping`) to an endpoint. */
export async function queuePing(db: Kysely<Database>, webhookId: number): Promise<number> {
  const row = await db
    .insertInto('webhook_deliveries')
    .values({
      webhook_id: webhookId,
      event_id: null,
      event_type: 'webhook.ping',
      subject: `webhook:${webhookId}`,
      author_id: null,
      is_public: false,
      occurred_at: sql<Date>`now()`,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Whether any delivery is due (a cheap probe on the partial index, outside any transaction). */
export async function hasDueDelivery(db: Kysely<Database>): Promise<boolean> {
  const row = await db
    .selectFrom('webhook_deliveries')
    .select('id')
    .where(unfinished)
    .where('next_attempt_at', '<=', sql<Date>`now()`)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

export interface ClaimedDelivery {
  id: number;
  attempts: number;
  webhook_id: number;
  event_id: number | null;
  event_type: string;
  subject: string;
  author_id: number | null;
  is_public: boolean;
  occurred_at: Date;
  url: string;
  secret: string;
}

/**
 * Claims up to `limit` due deliveries of enabled endpoints for `leaseMs`, in one statement: the rows
 * become `delivering`, their attempt counted, and due again when the lease ends (a claim by a process
 * that dies is taken over then). Rows another process is claiming are skipped, not waited for. A row
 * with an older unfinished row of the same endpoint and subject is not due: per subject, an endpoint
 * gets its events one after the other, in order, retries included.
 */
export async function claimDueDeliveries(
  db: Kysely<Database>,
  opts: { limit: number; leaseMs: number },
): Promise<ClaimedDelivery[]> {
  const result = await sql<ClaimedDelivery>`
    UPDATE webhook_deliveries d
    SET status = 'delivering',
        attempts = d.attempts + 1,
        last_attempt_at = now(),
        next_attempt_at = now() + make_interval(secs => ${opts.leaseMs / 1000})
    FROM webhooks w
    WHERE w.id = d.webhook_id AND d.id IN (
      SELECT c.id FROM webhook_deliveries c
      JOIN webhooks cw ON cw.id = c.webhook_id AND cw.enabled
      WHERE c.status IN ('pending', 'delivering') AND c.next_attempt_at <= now()
        AND NOT EXISTS (
          SELECT 1 FROM webhook_deliveries e
          WHERE e.webhook_id = c.webhook_id AND e.subject = c.subject AND e.id < c.id
            AND e.status IN ('pending', 'delivering'))
      ORDER BY c.next_attempt_at, c.id
      LIMIT ${opts.limit}
      FOR UPDATE OF c SKIP LOCKED)
    RETURNING d.id, d.attempts, d.webhook_id, d.event_id, d.event_type, d.subject, d.author_id,
      d.is_public, d.occurred_at, w.url, w.secret`.execute(db);
  return result.rows;
}

/**
 * Records an attempt's outcome. Only the claim that made the attempt may (same attempt count, still
 * `delivering`): a worker that overran its lease and lost the row to another one changes nothing.
 */
export async function recordAttempt(
  db: Kysely<Database>,
  claim: { id: number; attempts: number },
  outcome: {
    status: WebhookDeliveryStatus;
    responseStatus: number | null;
    durationMs: number;
    error: string | null;
    retryInMs: number | null;
  },
): Promise<void> {
  await db
    .updateTable('webhook_deliveries')
    .set({
      status: outcome.status,
      response_status: outcome.responseStatus,
      duration_ms: outcome.durationMs,
      error: outcome.error,
      next_attempt_at:
        outcome.retryInMs === null
          ? sql<Date>`now()`
          : sql<Date>`now() + make_interval(secs => ${outcome.retryInMs / 1000})`,
    })
    .where('id', '=', claim.id)
    .where('attempts', '=', claim.attempts)
    .where('status', '=', 'delivering')
    .execute();
}

/**
 * Deletes finished deliveries (succeeded or failed) created more than `days` ago, `batchSize` rows per
 * DELETE and at most `maxBatches` DELETEs; rows another process is deleting are skipped. Unfinished
 * rows are never removed, whatever their age.
 */
export async function purgeFinishedDeliveries(
  db: Kysely<Database>,
  opts: { days: number; batchSize: number; maxBatches: number },
): Promise<number> {
  let removed = 0;
  for (let batch = 0; batch < opts.maxBatches; batch++) {
    // Counted with a CTE: both dialects (pg and PGlite) return the count the same way.
    const { rows } = await sql<{ n: number }>`
      WITH gone AS (
        DELETE FROM webhook_deliveries WHERE id IN (
          SELECT id FROM webhook_deliveries
          WHERE status IN ('succeeded', 'failed') AND created_at < now() - make_interval(days => ${opts.days})
          LIMIT ${opts.batchSize} FOR UPDATE SKIP LOCKED)
        RETURNING 1)
      SELECT count(*)::int AS n FROM gone`.execute(db);
    const count = rows[0]?.n ?? 0;
    removed += count;
    if (count < opts.batchSize) break;
  }
  return removed;
}
