import { MACHINE_CODES } from '../errors.ts';
import type { LecternMeta } from '../trpc.ts';

/** The contract's error answers, shared by every operation of the document that can give them. */

type Json = Record<string, unknown>;
export type OperationErrors = NonNullable<LecternMeta['errors']>;

export const schemaRef = (name: string) => ({ $ref: `#/components/schemas/${name}` });
export const json = (schema: Json, examples?: Record<string, { summary: string; value: unknown }>) => ({
  'application/json': { schema, ...(examples ? { examples } : {}) },
});
export const retryAfterHeader = {
  'Retry-After': { description: 'Seconds to wait before trying again.', schema: { type: 'integer' } },
};

export const errorSchemas: Record<string, Json> = {
  Error: {
    type: 'object',
    description: 'Every error except a 400 field map and maintenance mode.',
    required: ['detail', 'code'],
    properties: {
      detail: { type: 'string', description: 'A human sentence.' },
      code: {
        type: 'string',
        description: `A machine code: ${Object.entries(MACHINE_CODES)
          .map(([code, info]) => `\`${code}\` (${info.status}: ${info.meaning})`)
          .join(', ')}.`,
      },
    },
    example: { detail: 'Not found.', code: 'NOT_FOUND' },
  },
  ValidationError: {
    type: 'object',
    description:
      'Invalid input: each field name maps to its messages; problems not tied to one field are under ' +
      '`non_field_errors`.',
    additionalProperties: { type: 'array', items: { type: 'string' } },
    example: { email: ['Enter a valid email address.'] },
  },
  Maintenance: {
    type: 'object',
    description: 'The answer to every request while maintenance mode is on.',
    required: ['detail', 'key', 'CODE'],
    properties: {
      detail: { type: 'string' },
      key: { type: 'string', enum: ['MAINTENANCE_MODE'] },
      CODE: { type: 'string', enum: ['MAT503'] },
    },
    example: {
      detail: 'The site is under maintenance. Please try again later.',
      key: 'MAINTENANCE_MODE',
      CODE: 'MAT503',
    },
  },
};

const errorExample = (summary: string, detail: string, code: string) => ({
  summary,
  value: { detail, code },
});

/** The standard error answers, shared by every operation that can give them. */
export const errorResponses: Record<string, Json> = {
  BadRequest: {
    description:
      'Invalid input: a map of field name to messages (`non_field_errors` for the rest); malformed JSON ' +
      'is `{detail, code: "PARSE_ERROR"}`.',
    content: json(
      { oneOf: [schemaRef('ValidationError'), schemaRef('Error')] },
      {
        fields: { summary: 'Field errors', value: { email: ['Enter a valid email address.'] } },
        nonField: {
          summary: 'Not a JSON object',
          value: { non_field_errors: ['Invalid data. Expected a JSON object.'] },
        },
        parse: errorExample(
          'Malformed JSON',
          "Body is not valid JSON but content-type is set to 'application/json'",
          'PARSE_ERROR',
        ),
      },
    ),
  },
  Unauthorized: {
    description: 'No token (`NOT_AUTHENTICATED`), or an expired, malformed or revoked one (`TOKEN_INVALID`).',
    content: json(schemaRef('Error'), {
      missing: errorExample('No token', 'Authentication credentials were not provided.', 'NOT_AUTHENTICATED'),
      invalid: errorExample('Bad token', 'Token is invalid or expired.', 'TOKEN_INVALID'),
    }),
  },
  Forbidden: {
    description: 'The caller may not do this (`PERMISSION_DENIED`).',
    content: json(schemaRef('Error'), {
      denied: errorExample(
        'Not allowed',
        'You do not have permission to perform this action.',
        'PERMISSION_DENIED',
      ),
    }),
  },
  NotFound: {
    description: 'No such resource, or a page past the end of a list (`NOT_FOUND`).',
    content: json(schemaRef('Error'), { missing: errorExample('Not found', 'Not found.', 'NOT_FOUND') }),
  },
  PayloadTooLarge: {
    description: 'The body is over the configured limit (`PAYLOAD_TOO_LARGE`).',
    content: json(schemaRef('Error'), {
      tooLarge: errorExample('Too large', 'Request body is too large', 'PAYLOAD_TOO_LARGE'),
    }),
  },
  UnsupportedMediaType: {
    description: 'A body in a media type this path does not take (`UNSUPPORTED_MEDIA_TYPE`).',
    content: json(schemaRef('Error'), {
      mediaType: errorExample('Wrong media type', 'Unsupported Media Type', 'UNSUPPORTED_MEDIA_TYPE'),
    }),
  },
  TooManyRequests: {
    description: 'Too many attempts (`RATE_LIMITED`); `Retry-After` says when to try again.',
    headers: retryAfterHeader,
    content: json(schemaRef('Error'), {
      limited: errorExample('Rate limited', 'Too many requests. Try again in 60 seconds.', 'RATE_LIMITED'),
    }),
  },
  InternalError: {
    description: 'An unexpected failure (`INTERNAL_ERROR`), never with details.',
    content: json(schemaRef('Error'), {
      internal: errorExample('Internal error', 'Internal server error.', 'INTERNAL_ERROR'),
    }),
  },
  MaintenanceMode: {
    description:
      'Maintenance mode is on (the maintenance body; browsers, `Accept: text/html`, get a small HTML page ' +
      'instead), or the database cannot be reached (`DATABASE_UNAVAILABLE`, an `Error` body).',
    headers: retryAfterHeader,
    content: {
      ...json({ oneOf: [schemaRef('Maintenance'), schemaRef('Error')] }),
      'text/html': { schema: { type: 'string' } },
    },
  },
};

export const STANDARD_RESPONSE: Record<string, string> = {
  '400': 'BadRequest',
  '401': 'Unauthorized',
  '403': 'Forbidden',
  '404': 'NotFound',
  '413': 'PayloadTooLarge',
  '415': 'UnsupportedMediaType',
  '429': 'TooManyRequests',
  '500': 'InternalError',
  '503': 'MaintenanceMode',
};
