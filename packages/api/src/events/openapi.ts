import { json, retryAfterHeader, schemaRef } from '../openapi/responses.ts';
import { CONTENT_EVENT_TYPES } from './schemas.ts';

const EXAMPLE_STREAM = `: subscribed

id: 42
event: post.published
data: {"id":42,"type":"post.published","slug":"hello-world-1a2b3c","at":"2026-12-03T07:00:00.000Z"}

: heartbeat

event: stream-error
data: {"detail":"The access token expired: reconnect with a fresh one (and the last event id).","code":"TOKEN_INVALID"}
`;

/**
 * The document's entry for `GET /api/events`: a plain Fastify route (apps/server/src/plugins/events.ts)
 * that streams server-sent events, which the REST bridge cannot describe or serve.
 */
export const eventsPath = {
  '/api/events': {
    get: {
      operationId: 'eventsStream',
      summary: 'Live content events (server-sent events)',
      description: [
        'A `text/event-stream` of every committed change to posts, categories and gallery files, within a ' +
          'second of its commit, whichever server process took the write. Each event is a frame with ' +
          '`id:` (increasing), `event:` (its type) and `data:` (JSON `{id, type, slug, at}`; `slug` is a ' +
          "file's id for file events). A `: heartbeat` comment comes every 15 seconds while nothing happens.",
        'Who sees what: whoever may list posts may subscribe. A user receives public events and those about ' +
          'their own drafts; staff receive everything; a content key (or anyone, while anonymous reading is ' +
          "on) receives public events only. Events about a draft's edits, trashing and restoring are not public.",
        'Resuming: send `Last-Event-ID` (EventSource does so when it reconnects) and the events committed ' +
          'since are sent first, so nothing is missed. Events are kept for `EVENTS_RETENTION_HOURS` (24 h by ' +
          'default); an id older than that, or unknown, is answered 410 `EVENTS_EXPIRED`: reload the content ' +
          'and subscribe without it.',
        'The server ends a stream with an `event: stream-error` frame whose data is `{detail, code}`: ' +
          '`TOKEN_INVALID` when the access token expires (reconnect with a fresh token), `EVENTS_UNAVAILABLE` ' +
          'when the process shuts down (reconnect with `Last-Event-ID`).',
        'Requires an access token or a content key (`Authorization: Bearer lk_…` or `?key=lk_…`, the form ' +
          'a browser EventSource can send), unless anonymous reading is on.',
        'tRPC / SDK: `client.events.onEvent(…)` (the `events.subscribe` subscription).',
      ].join('\n\n'),
      tags: ['events'],
      security: [{ bearerAuth: [] }, { contentKey: [] }, { contentKeyQuery: [] }],
      parameters: [
        {
          name: 'Last-Event-ID',
          in: 'header',
          required: false,
          description: 'The id of the last event received: resume after it.',
          schema: { type: 'string', pattern: '^\\d{1,15}$' },
        },
      ],
      responses: {
        '200': {
          description: `The stream. Event types: ${CONTENT_EVENT_TYPES.map((t) => `\`${t}\``).join(', ')}.`,
          content: { 'text/event-stream': { schema: { type: 'string' }, example: EXAMPLE_STREAM } },
        },
        '401': {
          description: 'No credential (`NOT_AUTHENTICATED`), or an invalid one (`TOKEN_INVALID`).',
          content: json(schemaRef('Error'), {
            NOT_AUTHENTICATED: {
              summary: 'No credential',
              value: { detail: 'Authentication credentials were not provided.', code: 'NOT_AUTHENTICATED' },
            },
          }),
        },
        '410': {
          description: '`Last-Event-ID` is older than the kept events, or unknown (`EVENTS_EXPIRED`).',
          content: json(schemaRef('Error'), {
            EVENTS_EXPIRED: {
              summary: 'Resume point gone',
              value: {
                detail:
                  'The events after this id are no longer kept (or the id is unknown): reload the content, then subscribe without a last event id.',
                code: 'EVENTS_EXPIRED',
              },
            },
          }),
        },
        '503': {
          description:
            'This process serves `EVENTS_MAX_SUBSCRIBERS` streams already, or is shutting down ' +
            '(`EVENTS_UNAVAILABLE`, with Retry-After); maintenance mode; the database is unavailable.',
          headers: retryAfterHeader,
          content: json({ oneOf: [schemaRef('Error'), schemaRef('Maintenance')] }),
        },
      },
    },
  },
};
