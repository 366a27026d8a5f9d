import { type TrackedEnvelope, tracked } from '@trpc/server';
import { z } from 'zod';
import { CONTENT_EVENT_TYPES, type ContentEvent } from '../shared/event-hub.ts';

export { CONTENT_EVENT_TYPES, type ContentEvent };

export const contentEventSchema: z.ZodType<ContentEvent> = z.object({
  id: z.number().int().positive(),
  type: z.enum(CONTENT_EVENT_TYPES),
  slug: z.string(),
  at: z.date(),
});

/**
 * `lastEventId`: resume after this event (the `id` of the last one received); the events committed
 * since are sent first. `httpSubscriptionLink` fills it in when it reconnects. Written out (not a
 * named interface) so the SDK's bundled declarations can spell it.
 */
export const subscribeInput: z.ZodType<
  { lastEventId?: string | null | undefined },
  { lastEventId?: string | null | undefined }
> = z
  .object({
    lastEventId: z
      .string()
      .regex(/^\d{1,15}$/, 'An event id: a positive integer.')
      .nullish(),
  })
  .strict();

const isAsyncIterable = (value: unknown): value is AsyncIterable<unknown> =>
  typeof value === 'object' && value !== null && Symbol.asyncIterator in value;

/**
 * The subscription's output: each event checked against `contentEventSchema` and sent as a tracked
 * event (`tracked(id, event)`), so the SSE stream carries `id:` lines and a reconnecting client
 * resumes after the last one it received.
 */
export const eventStreamOutput = z
  .custom<AsyncIterable<ContentEvent>>(isAsyncIterable, 'An event stream.')
  .transform((events) => trackEach(events));

async function* trackEach(
  events: AsyncIterable<ContentEvent>,
): AsyncGenerator<TrackedEnvelope<ContentEvent>, void, unknown> {
  for await (const event of events) {
    const checked = contentEventSchema.parse(event);
    yield tracked(String(checked.id), checked);
  }
}
