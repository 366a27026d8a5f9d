import { Readable } from 'node:stream';
import {
  type ContentEvent,
  type Context,
  describeError,
  fail,
  openEventStream,
  SSE_HEARTBEAT_MS,
} from '@lectern/api';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { sendError } from './errors.ts';

/*
 * `GET /api/events/`: live content events as a plain server-sent-event stream, for clients that do
 * not use the SDK (browsers' EventSource, curl). The tRPC door's `events.subscribe` is the same hub
 * and the same rules (packages/api/src/events). Frames:
 *
 *   id: 42
 *   event: post.published
 *   data: {"id":42,"type":"post.published","slug":"hello-1a2b3c","at":"2026-12-03T07:00:00.000Z"}
 *
 * a `: heartbeat` comment every SSE_HEARTBEAT_MS, and, when the server ends the stream, one
 * `event: stream-error` frame whose data is the usual `{detail, code}` (TOKEN_INVALID when the access
 * token expires, EVENTS_UNAVAILABLE when the process shuts down):
 * reconnect with `Last-Event-ID` and miss nothing.
 */

export interface EventsPluginOptions {
  createContext: (req: FastifyRequest) => Promise<Context>;
}

/** What the `Last-Event-ID` header holds: the id of the last event received. */
function lastEventIdOf(req: FastifyRequest): number | undefined {
  const header = req.headers['last-event-id'];
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || value.trim() === '') return undefined;
  if (!/^\d{1,15}$/.test(value.trim())) {
    throw fail.field('last_event_id', 'Last-Event-ID must be the id of an event (a positive integer).');
  }
  return Number(value.trim());
}

export const frameOf = (event: ContentEvent): string =>
  `id: ${event.id}\nevent: ${event.type}\ndata: ${JSON.stringify({ ...event, at: event.at.toISOString() })}\n\n`;

const errorFrame = (error: unknown): string => {
  const info = describeError(error);
  return `event: stream-error\ndata: ${JSON.stringify({ detail: info.message, code: info.machineCode })}\n\n`;
};

/** The frames of one stream: events as they come, heartbeats while none does, an error frame at the end. */
async function* framesOf(events: AsyncGenerator<ContentEvent, void>): AsyncGenerator<string> {
  // A first comment sends the headers at once: the client knows it is subscribed.
  yield ': subscribed\n\n';
  let next = events.next();
  try {
    for (;;) {
      let timer: NodeJS.Timeout | undefined;
      const beat = new Promise<'beat'>((resolve) => {
        timer = setTimeout(() => resolve('beat'), SSE_HEARTBEAT_MS);
      });
      const result = await Promise.race([next, beat]).finally(() => clearTimeout(timer));
      if (result === 'beat') {
        yield ': heartbeat\n\n';
        continue;
      }
      if (result.done) return;
      yield frameOf(result.value);
      next = events.next();
    }
  } catch (error) {
    yield errorFrame(error);
  } finally {
    await events.return();
  }
}

export async function eventsPlugin(app: FastifyInstance, opts: EventsPluginOptions): Promise<void> {
  // No HEAD twin: a HEAD request would hold a subscriber slot for a body nobody reads.
  app.get('/api/events', { exposeHeadRoute: false }, async (req, reply) => {
    let events: AsyncGenerator<ContentEvent, void>;
    const gone = new AbortController();
    try {
      const lastEventId = lastEventIdOf(req);
      events = await openEventStream(await opts.createContext(req), { lastEventId, signal: gone.signal });
    } catch (error) {
      return sendError(req, reply, error);
    }
    // The client went away (or the stream ended): the subscriber slot is freed at once.
    reply.raw.on('close', () => gone.abort());
    return reply
      .code(200)
      .headers({
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        // nginx and similar proxies would otherwise buffer the stream.
        'x-accel-buffering': 'no',
      })
      .send(Readable.from(framesOf(events), { objectMode: false }));
  });
}
