import { readerProcedure } from '../../trpc.ts';
import { eventStreamOutput, subscribeInput } from '../schemas.ts';
import { openEventStream } from '../service.ts';

/**
 * Live content events over SSE (`httpSubscriptionLink`; the SDK's `client.events.onEvent`). Whoever
 * may list posts may subscribe: a user sees public events and those about their own drafts, staff
 * see everything, a content key (or anyone, while anonymous reading is on) public events only. The
 * REST twin is the plain route `GET /api/events/` (apps/server/src/plugins/events.ts).
 */
export const subscribeEventsProcedure = readerProcedure
  .meta({
    errors: {
      '401': {
        code: 'TOKEN_INVALID',
        description: 'The access token expired during the stream: reconnect with a fresh one.',
      },
    },
  })
  .input(subscribeInput)
  .output(eventStreamOutput)
  .subscription(async function* ({ ctx, input, signal }) {
    const lastEventId = input.lastEventId ? Number(input.lastEventId) : undefined;
    yield* await openEventStream(ctx, { lastEventId, signal });
  });
