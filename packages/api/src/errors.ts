import { isDatabaseUnavailable } from '@lectern/db';
import { TRPCError } from '@trpc/server';
import type { TRPC_ERROR_CODE_KEY } from '@trpc/server/rpc';
import { ZodError } from 'zod';

interface CodeInfo {
  status: number;
  /** The tRPC code the typed door answers with (it fixes the HTTP status of tRPC responses). */
  trpc: TRPC_ERROR_CODE_KEY;
  /** When a client gets it (the OpenAPI document lists these). */
  meaning: string;
}

/**
 * Every machine code Lectern sends: the REST body's `code` and the tRPC error's `data.code`. The one
 * table behind both doors, the SDK's `LecternError.code` and the OpenAPI document.
 */
export const MACHINE_CODES = {
  VALIDATION_ERROR: { status: 400, trpc: 'BAD_REQUEST', meaning: 'invalid input (a 400 field map on REST)' },
  PARSE_ERROR: {
    status: 400,
    trpc: 'PARSE_ERROR',
    meaning: 'a body that is not valid JSON (or not UTF-8, or nested too deeply)',
  },
  BAD_REQUEST: { status: 400, trpc: 'BAD_REQUEST', meaning: 'a request the server cannot read' },
  INVALID_HOST: { status: 400, trpc: 'BAD_REQUEST', meaning: 'a Host header outside ALLOWED_HOSTS' },
  MALFORMED_MULTIPART: {
    status: 400,
    trpc: 'BAD_REQUEST',
    meaning: 'a multipart body that cannot be read (no or wrong boundary, cut short)',
  },
  WEBHOOK_ADDRESS_REFUSED: {
    status: 400,
    trpc: 'BAD_REQUEST',
    meaning: 'a webhook URL on a loopback, private or other non-public address (see WEBHOOK_ALLOW_PRIVATE)',
  },
  NOT_AUTHENTICATED: { status: 401, trpc: 'UNAUTHORIZED', meaning: 'no bearer token' },
  TOKEN_INVALID: { status: 401, trpc: 'UNAUTHORIZED', meaning: 'an expired, malformed or revoked token' },
  INVALID_CREDENTIALS: { status: 401, trpc: 'UNAUTHORIZED', meaning: 'a wrong email/password pair' },
  PERMISSION_DENIED: { status: 403, trpc: 'FORBIDDEN', meaning: 'the caller may not do this' },
  EMAIL_NOT_VERIFIED: { status: 403, trpc: 'FORBIDDEN', meaning: 'login before the email is verified' },
  REGISTRATION_DISABLED: { status: 403, trpc: 'FORBIDDEN', meaning: 'registration is closed' },
  NOT_FOUND: { status: 404, trpc: 'NOT_FOUND', meaning: 'no such resource, or a page past the end' },
  METHOD_NOT_ALLOWED: { status: 405, trpc: 'METHOD_NOT_SUPPORTED', meaning: 'a known path, another method' },
  CONFLICT: { status: 409, trpc: 'CONFLICT', meaning: 'the resource changed meanwhile' },
  PAYLOAD_TOO_LARGE: { status: 413, trpc: 'PAYLOAD_TOO_LARGE', meaning: 'a body or upload over its limit' },
  IMAGE_TOO_LARGE: {
    status: 413,
    trpc: 'PAYLOAD_TOO_LARGE',
    meaning: 'an image with more pixels than IMAGE_MAX_PIXELS (a decompression bomb, say)',
  },
  REQUEST_TIMEOUT: { status: 408, trpc: 'TIMEOUT', meaning: 'a request not received in time' },
  UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    trpc: 'UNSUPPORTED_MEDIA_TYPE',
    meaning: 'a body or file of a type this path does not take',
  },
  CORRUPT_IMAGE: {
    status: 415,
    trpc: 'UNSUPPORTED_MEDIA_TYPE',
    meaning: 'an image whose bytes start right but do not decode',
  },
  RATE_LIMITED: { status: 429, trpc: 'TOO_MANY_REQUESTS', meaning: 'too many attempts (see Retry-After)' },
  HEADERS_TOO_LARGE: {
    status: 431,
    trpc: 'BAD_REQUEST',
    meaning: 'request line and headers over the server limit (a long URL included)',
  },
  INTERNAL_ERROR: { status: 500, trpc: 'INTERNAL_SERVER_ERROR', meaning: 'an unexpected failure' },
  MAINTENANCE_MODE: { status: 503, trpc: 'SERVICE_UNAVAILABLE', meaning: 'maintenance mode is on' },
  DATABASE_UNAVAILABLE: {
    status: 503,
    trpc: 'SERVICE_UNAVAILABLE',
    meaning: 'the database cannot be reached for now (see Retry-After)',
  },
  EVENTS_EXPIRED: {
    status: 410,
    trpc: 'PRECONDITION_FAILED',
    meaning: 'a live-event resume point older than the kept event log (reload, then subscribe afresh)',
  },
  EVENTS_UNAVAILABLE: {
    status: 503,
    trpc: 'SERVICE_UNAVAILABLE',
    meaning: 'this server process takes no more live-event subscribers, or is shutting down (reconnect)',
  },
} as const satisfies Record<string, CodeInfo>;

export type MachineCode = keyof typeof MACHINE_CODES;
export type FieldErrors = Record<string, string[]>;

export const isMachineCode = (value: unknown): value is MachineCode =>
  typeof value === 'string' && Object.hasOwn(MACHINE_CODES, value);

/** The machine code a bare tRPC error (not thrown by Lectern on purpose) stands for. */
const CODE_OF_TRPC: Partial<Record<TRPC_ERROR_CODE_KEY, MachineCode>> = {
  BAD_REQUEST: 'VALIDATION_ERROR',
  PARSE_ERROR: 'PARSE_ERROR',
  UNAUTHORIZED: 'NOT_AUTHENTICATED',
  FORBIDDEN: 'PERMISSION_DENIED',
  NOT_FOUND: 'NOT_FOUND',
  METHOD_NOT_SUPPORTED: 'METHOD_NOT_ALLOWED',
  CONFLICT: 'CONFLICT',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  TOO_MANY_REQUESTS: 'RATE_LIMITED',
};

/** The machine code of a plain HTTP status (errors of the HTTP layer that carry only a status). */
const CODE_OF_STATUS: Record<number, MachineCode> = {
  400: 'BAD_REQUEST',
  401: 'NOT_AUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMITED',
};

export const MAINTENANCE_DETAIL = 'The site is under maintenance. Please try again later.';
/** Seconds a client is told to wait during maintenance. */
const MAINTENANCE_RETRY_AFTER = 60;
export const DATABASE_UNAVAILABLE_DETAIL =
  'The service is temporarily unavailable. Please try again shortly.';
/** Seconds a client is told to wait while the database is down (the pool probes it every 500 ms). */
const DATABASE_RETRY_AFTER = 5;

const DATABASE_UNAVAILABLE: ErrorInfo = {
  machineCode: 'DATABASE_UNAVAILABLE',
  httpStatus: 503,
  message: DATABASE_UNAVAILABLE_DETAIL,
  fields: null,
  retryAfter: DATABASE_RETRY_AFTER,
};

/** The one error type the code throws on purpose. */
export class LecternError extends TRPCError {
  readonly machineCode: MachineCode;
  readonly fields: FieldErrors | undefined;
  readonly retryAfter: number | undefined;

  constructor(opts: {
    code: MachineCode;
    message: string;
    fields?: FieldErrors;
    retryAfter?: number;
    cause?: unknown;
  }) {
    super({ code: MACHINE_CODES[opts.code].trpc, message: opts.message, cause: opts.cause });
    this.machineCode = opts.code;
    this.fields = opts.fields;
    this.retryAfter = opts.retryAfter;
  }
}

/** Shorthands for the errors every area throws. */
export const fail = {
  fields: (fields: FieldErrors) =>
    new LecternError({ code: 'VALIDATION_ERROR', message: 'Invalid input.', fields }),
  field: (field: string, message: string) => fail.fields({ [field]: [message] }),
  notFound: (message = 'Not found.') => new LecternError({ code: 'NOT_FOUND', message }),
  forbidden: (message = 'You do not have permission to perform this action.') =>
    new LecternError({ code: 'PERMISSION_DENIED', message }),
  unauthenticated: (message = 'Authentication credentials were not provided.') =>
    new LecternError({ code: 'NOT_AUTHENTICATED', message }),
  tokenInvalid: (message = 'Token is invalid or expired.') =>
    new LecternError({ code: 'TOKEN_INVALID', message }),
  tooLarge: (message: string) => new LecternError({ code: 'PAYLOAD_TOO_LARGE', message }),
  unsupportedMedia: (message: string) => new LecternError({ code: 'UNSUPPORTED_MEDIA_TYPE', message }),
  rateLimited: (retryAfter: number) =>
    new LecternError({
      code: 'RATE_LIMITED',
      message: `Too many requests. Try again in ${retryAfter} seconds.`,
      retryAfter,
    }),
  maintenance: () =>
    new LecternError({
      code: 'MAINTENANCE_MODE',
      message: MAINTENANCE_DETAIL,
      retryAfter: MAINTENANCE_RETRY_AFTER,
    }),
};

/** Turns zod issues into the REST field map: first path segment → messages; no path → non_field_errors. */
export function zodFieldErrors(error: ZodError): FieldErrors {
  const fields: FieldErrors = {};
  for (const issue of error.issues) {
    const head = issue.path[0];
    const key = head === undefined || typeof head === 'symbol' ? 'non_field_errors' : String(head);
    const list = fields[key] ?? [];
    fields[key] = list;
    if (!list.includes(issue.message)) list.push(issue.message);
  }
  return fields;
}

export interface ErrorInfo {
  machineCode: MachineCode;
  httpStatus: number;
  message: string;
  fields: FieldErrors | null;
  retryAfter: number | null;
}

const INTERNAL: ErrorInfo = {
  machineCode: 'INTERNAL_ERROR',
  httpStatus: 500,
  message: 'Internal server error.',
  fields: null,
  retryAfter: null,
};

/**
 * What any error means to a client, from any layer: a LecternError, a tRPC error (validation issues
 * included), or an error of the HTTP layer that carries a 4xx `statusCode`. Anything else is a 500
 * whose details stay inside the process.
 */
export function describeError(error: unknown): ErrorInfo {
  // A database outage is not a bug of the request: 503 with Retry-After, never a 500.
  if (isDatabaseUnavailable(error)) return DATABASE_UNAVAILABLE;
  if (error instanceof LecternError) {
    return {
      machineCode: error.machineCode,
      httpStatus: MACHINE_CODES[error.machineCode].status,
      message: error.message,
      fields: error.fields ?? null,
      retryAfter: error.retryAfter ?? null,
    };
  }
  if (error instanceof TRPCError) {
    if (error.cause instanceof LecternError) return describeError(error.cause);
    if (error.code === 'BAD_REQUEST' && error.cause instanceof ZodError) {
      return { ...describeError(fail.fields(zodFieldErrors(error.cause))) };
    }
    const machineCode = CODE_OF_TRPC[error.code];
    if (!machineCode) return INTERNAL;
    return {
      machineCode,
      httpStatus: MACHINE_CODES[machineCode].status,
      message: error.message,
      fields: machineCode === 'VALIDATION_ERROR' ? { non_field_errors: [error.message] } : null,
      retryAfter: null,
    };
  }
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  const machineCode = typeof status === 'number' ? CODE_OF_STATUS[status] : undefined;
  if (machineCode && error instanceof Error) {
    return {
      machineCode,
      httpStatus: status as number,
      message: error.message,
      fields: null,
      retryAfter: null,
    };
  }
  return INTERNAL;
}

/** REST error bodies, exactly as the contract spells them. */
export type RestErrorBody =
  | FieldErrors
  | { detail: string; code: MachineCode }
  | { detail: string; key: 'MAINTENANCE_MODE'; CODE: 'MAT503' };

export const MAINTENANCE_BODY = {
  detail: MAINTENANCE_DETAIL,
  key: 'MAINTENANCE_MODE',
  CODE: 'MAT503',
} as const;

export const MAINTENANCE_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Under maintenance</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:20vh auto;padding:0 1rem;color:#222}</style>
</head><body><h1>Under maintenance</h1><p>${MAINTENANCE_DETAIL}</p></body></html>`;

export interface RestErrorResponse {
  status: number;
  headers: Record<string, string>;
  /** A JSON body, or the HTML maintenance page for a browser. */
  body: RestErrorBody | string;
}

/**
 * The REST answer to any error: the one place where error bodies are rendered (the REST bridge, the
 * multipart routes, Fastify's own errors and plain routes all come through here). A 400 is the field
 * map; maintenance is its own body (an HTML page for browsers); everything else is `{detail, code}`.
 */
export function restErrorResponse(error: unknown, opts: { acceptsHtml: boolean }): RestErrorResponse {
  return renderRestError(describeError(error), opts);
}

export function renderRestError(info: ErrorInfo, opts: { acceptsHtml: boolean }): RestErrorResponse {
  const headers: Record<string, string> = {};
  if (info.retryAfter !== null) headers['retry-after'] = String(info.retryAfter);
  if (info.machineCode === 'MAINTENANCE_MODE') {
    if (opts.acceptsHtml) {
      headers['content-type'] = 'text/html; charset=utf-8';
      return { status: info.httpStatus, headers, body: MAINTENANCE_HTML };
    }
    return { status: info.httpStatus, headers, body: MAINTENANCE_BODY };
  }
  if (info.fields) return { status: info.httpStatus, headers, body: info.fields };
  return { status: info.httpStatus, headers, body: { detail: info.message, code: info.machineCode } };
}
