import { EXAMPLE_AUTHOR, EXAMPLE_LATER, EXAMPLE_TIME } from '../shared/examples.ts';

/** Request and answer examples of the webhook procedures, for the OpenAPI document. */
const webhook = {
  id: 2,
  url: 'https://hooks.example.com/lectern',
  description: 'Rebuild the static site',
  events: ['post.published', 'post.unpublished', 'post.updated'],
  enabled: true,
  created_by: EXAMPLE_AUTHOR,
  created_at: EXAMPLE_TIME,
  updated_at: EXAMPLE_TIME,
};
const secret = 'whsec_3q2-7wAAAAAfD9lK1Uq0nYp6g5jv8Q0xYzR2bC4dE6f';
const delivery = {
  id: 41,
  webhook_id: 2,
  event_id: 1207,
  event_type: 'post.published',
  subject: 'post:hello-world-3f9a1c',
  status: 'succeeded',
  attempts: 1,
  next_attempt_at: null,
  last_attempt_at: EXAMPLE_LATER,
  response_status: 204,
  duration_ms: 87,
  error: null,
  redelivery_of: null,
  created_at: EXAMPLE_LATER,
};

export const webhooksExamples = {
  create: {
    request: { url: webhook.url, events: webhook.events, description: webhook.description },
    response: { ...webhook, secret },
  },
  list: { response: { count: 1, next: null, previous: null, results: [webhook] } },
  update: {
    request: { enabled: false },
    response: { ...webhook, enabled: false, updated_at: EXAMPLE_LATER },
  },
  rotateSecret: { response: { ...webhook, updated_at: EXAMPLE_LATER, secret } },
  listDeliveries: { response: { count: 1, next: null, previous: null, results: [delivery] } },
  redeliver: {
    response: {
      ...delivery,
      id: 58,
      status: 'pending',
      attempts: 0,
      next_attempt_at: EXAMPLE_LATER,
      last_attempt_at: null,
      response_status: null,
      duration_ms: null,
      redelivery_of: 41,
    },
  },
  ping: {
    response: {
      ...delivery,
      id: 59,
      event_id: null,
      event_type: 'webhook.ping',
      subject: 'webhook:2',
      status: 'pending',
      attempts: 0,
      next_attempt_at: EXAMPLE_LATER,
      last_attempt_at: null,
      response_status: null,
      duration_ms: null,
    },
  },
};
