import { z } from 'zod';
import { CONTENT_EVENT_TYPES } from '../shared/events.ts';
import { pageOf, pageParams } from '../shared/pagination.ts';
import { queryInt, userRef } from '../shared/schemas.ts';

export const MAX_URL_LENGTH = 2048;
export const MAX_DESCRIPTION_LENGTH = 255;

/** The events an endpoint may ask for: every content event. */
export const WEBHOOK_EVENTS = CONTENT_EVENT_TYPES;

export const DELIVERY_STATUSES = ['pending', 'delivering', 'succeeded', 'failed'] as const;

const url = z
  .string()
  .trim()
  .min(1, 'This field may not be blank.')
  .max(MAX_URL_LENGTH, `Ensure this field has no more than ${MAX_URL_LENGTH} characters.`)
  .meta({
    description:
      'Where deliveries are POSTed: http or https, no user name or password. Loopback, private and ' +
      'other non-public addresses are refused unless the server sets WEBHOOK_ALLOW_PRIVATE=true.',
    example: 'https://hooks.example.com/lectern',
  });
const events = z
  .array(z.enum(WEBHOOK_EVENTS))
  .min(1, 'Choose at least one event.')
  .max(WEBHOOK_EVENTS.length * 2)
  .meta({ description: 'The event types this endpoint receives.' });
const description = z
  .string()
  .trim()
  .max(MAX_DESCRIPTION_LENGTH, `Ensure this field has no more than ${MAX_DESCRIPTION_LENGTH} characters.`)
  .meta({ description: 'What the endpoint is for.' });

export const webhookCreateInput = z.object({
  url,
  events,
  description: description.optional(),
  enabled: z.boolean().optional().meta({ description: 'Deliveries are sent while true (default).' }),
});

export const webhookIdInput = z.object({ id: queryInt('The webhook id.') });

export const webhookUpdateInput = z.object({
  id: queryInt('The webhook id.'),
  url: url.optional(),
  events: events.optional(),
  description: description.optional(),
  enabled: z
    .boolean()
    .optional()
    .meta({
      description:
        'false pauses the endpoint: events recorded while it is off are not queued for it, and deliveries ' +
        'already queued wait (none is sent) until it is on again.',
    }),
});

export const webhookListInput = z.object({ ...pageParams });

export const deliveryListInput = z.object({
  id: queryInt('The webhook id.'),
  ...pageParams,
  status: z.enum(DELIVERY_STATUSES).optional().meta({ description: 'Only deliveries in this state.' }),
});

export const deliveryInput = z.object({
  id: queryInt('The webhook id.'),
  delivery_id: queryInt('The delivery id.'),
});

const webhookFields = {
  id: z.number().int(),
  url: z.string(),
  description: z.string(),
  events: z.array(z.enum(WEBHOOK_EVENTS)),
  enabled: z.boolean(),
  created_by: userRef.nullable().meta({ description: 'The superuser who created it.' }),
  created_at: z.date(),
  updated_at: z.date(),
};

export const webhookOutput = z.object(webhookFields).meta({ id: 'Webhook' });
export const webhookWithSecretOutput = z
  .object({
    ...webhookFields,
    secret: z.string().meta({
      description:
        'The signing secret (`whsec_…`): shown this once (at creation or rotation), never returned by a ' +
        'read. Receivers check `Lectern-Webhook-Signature` with it.',
    }),
  })
  .meta({ id: 'WebhookWithSecret' });
export const webhookPageOutput = pageOf(webhookOutput, 'WebhookPage');

export const deliveryOutput = z
  .object({
    id: z.number().int(),
    webhook_id: z.number().int(),
    event_id: z.number().int().nullable().meta({ description: 'The content event; null for a ping.' }),
    event_type: z.string().meta({ description: 'A content event type, or `webhook.ping`.' }),
    subject: z.string().meta({
      description: '`post:<slug>`, `category:<slug>`, `file:<id>`: deliveries of one subject go in order.',
    }),
    status: z.enum(DELIVERY_STATUSES),
    attempts: z.number().int().meta({ description: 'Attempts made so far.' }),
    next_attempt_at: z
      .date()
      .nullable()
      .meta({ description: 'When the next attempt is due (pending); null once finished.' }),
    last_attempt_at: z.date().nullable(),
    response_status: z
      .number()
      .int()
      .nullable()
      .meta({ description: "The receiver's HTTP status at the last attempt; null without an answer." }),
    duration_ms: z.number().int().nullable().meta({ description: 'How long the last attempt took.' }),
    error: z
      .string()
      .nullable()
      .meta({ description: 'Why the last attempt got no answer (refused address, timeout, connection).' }),
    redelivery_of: z.number().int().nullable().meta({ description: 'The delivery this one repeats.' }),
    created_at: z.date(),
  })
  .meta({ id: 'WebhookDelivery' });
export const deliveryPageOutput = pageOf(deliveryOutput, 'WebhookDeliveryPage');

export type Webhook = z.infer<typeof webhookOutput>;
export type WebhookWithSecret = z.infer<typeof webhookWithSecretOutput>;
export type WebhookDelivery = z.infer<typeof deliveryOutput>;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];
