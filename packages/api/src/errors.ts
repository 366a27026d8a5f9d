import { isDatabaseUnavailable } from '@lectern/db';
import { TRPCError } from '@trpc/server';
import type { TRPC_ERROR_CODE_KEY } from '@trpc/server/rpc';
import { ZodError } from 'zod';

/**
 * Machine codes, shared by both doors: the REST body's `code` and the tRPC error's `data.code`.
 * Each maps to one tRPC code (which fixes the HTTP status on both doors).
 */
export const MACHINE_CODES = {
  VALIDATION_ERROR: 'BAD_REQUEST',
  PARSE_ERROR: 'PARSE_ERROR',
  NOT_AUTHENTICATED: 'UNAUTHORIZED',
  TOKEN_INVALID: 'UNAUTHORIZED',
  INVALID_CREDENTIALS: 'UNAUTHORIZED',
  PERMISSION_DENIED: 'FORBIDDEN',
  EMAIL_NOT_VERIFIED: 'FORBIDDEN',
  REGISTRATION_DISABLED: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  METHOD_NOT_ALLOWED: 'METHOD_NOT_SUPPORTED',
  CONFLICT: 'CONFLICT',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  RATE_LIMITED: 'TOO_MANY_REQUESTS',
  INTERNAL_ERROR: 'INTERNAL_SERVER_ERROR',
  MAINTENANCE_MODE: 'SERVICE_UNAVAILABLE',
  DATABASE_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
} as const satisfies Record<string, TRPC_ERROR_CODE_KEY>;

export type MachineCode = keyof typeof MACHINE_CODES;
export type FieldErrors = Record<string, string[]>;

export const HTTP_STATUS: Record<TRPC_ERROR_CODE_KEY, number> = {
  PARSE_ERROR: 400,
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  PAYMENT_REQUIRED: 402,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_SUPPORTED: 405,
  TIMEOUT: 408,
  CONFLICT: 409,
  PRECONDITION_FAILED: 412,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  UNPROCESSABLE_CONTENT: 422,
  PRECONDITION_REQUIRED: 428,
  TOO_MANY_REQUESTS: 429,
  CLIENT_CLOSED_REQUEST: 499,
  INTERNAL_SERVER_ERROR: 500,
  NOT_IMPLEMENTED: 501,
  BAD_GATEWAY: 502,
  SERVICE_UNAVAILABLE: 503,
  GATEWAY_TIMEOUT: 504,
};

const DEFAULT_MACHINE_CODE: Partial<Record<TRPC_ERROR_CODE_KEY, MachineCode>> = {
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
  SERVICE_UNAVAILABLE: 'MAINTENANCE_MODE',
};

export const MAINTENANCE_DETAIL = 'The site is under maintenance. Please try again later.';
export const DATABASE_UNAVAILABLE_DETAIL =
  'The service is temporarily unavailable. Please try again shortly.';

/** The one error type the code throws on purpose. */
export class LecternError extends TRPCError {
  readonly machineCode: MachineCode;
  readonly fields: FieldErrors | undefined;
  readonly retryAfter: number | undefined;

  constructor(opts: { code: MachineCode; message: string; fields?: FieldErrors; retryAfter?: number }) {
    super({ code: MACHINE_CODES[opts.code], message: opts.message });
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
  rateLimited: (retryAfter: number) =>
    new LecternError({
      code: 'RATE_LIMITED',
      message: `Too many requests. Try again in ${retryAfter} seconds.`,
      retryAfter,
    }),
  maintenance: () => new LecternError({ code: 'MAINTENANCE_MODE', message: MAINTENANCE_DETAIL }),
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

/** Everything either door needs to report an error, with internals hidden. */
export function describeError(error: TRPCError): ErrorInfo {
  if (error instanceof LecternError) {
    return {
      machineCode: error.machineCode,
      httpStatus: HTTP_STATUS[error.code],
      message: error.message,
      fields: error.fields ?? null,
      retryAfter: error.retryAfter ?? null,
    };
  }
  if (error.code === 'BAD_REQUEST' && error.cause instanceof ZodError) {
    return {
      machineCode: 'VALIDATION_ERROR',
      httpStatus: 400,
      message: 'Invalid input.',
      fields: zodFieldErrors(error.cause),
      retryAfter: null,
    };
  }
  // A database outage is not a bug of the request: 503 with Retry-After, never a 500.
  if (isDatabaseUnavailable(error.cause)) {
    return {
      machineCode: 'DATABASE_UNAVAILABLE',
      httpStatus: 503,
      message: DATABASE_UNAVAILABLE_DETAIL,
      fields: null,
      retryAfter: 5,
    };
  }
  const machineCode = DEFAULT_MACHINE_CODE[error.code] ?? 'INTERNAL_ERROR';
  const httpStatus = HTTP_STATUS[error.code] ?? 500;
  const internal = machineCode === 'INTERNAL_ERROR';
  return {
    machineCode,
    httpStatus: internal ? 500 : httpStatus,
    message: internal ? 'Internal server error.' : error.message,
    fields: machineCode === 'VALIDATION_ERROR' ? { non_field_errors: [error.message] } : null,
    retryAfter: null,
  };
}
