import { TRPCClientError } from '@trpc/client';

/** Field → messages, as the server's validation errors carry them. */
export type FieldErrors = Record<string, string[]>;

/**
 * An error answer from Lectern, the same from either door: the machine `code` (`VALIDATION_ERROR`,
 * `TOKEN_INVALID`, `RATE_LIMITED`, …), the HTTP `status`, per-field messages for a 400, and the
 * seconds to wait for a 429.
 */
export class LecternError extends Error {
  override name = 'LecternError';
  readonly code: string;
  readonly status: number;
  readonly fields: FieldErrors | null;
  readonly retryAfter: number | null;

  constructor(opts: {
    message: string;
    code: string;
    status: number;
    fields?: FieldErrors | null;
    retryAfter?: number | null;
    cause?: unknown;
  }) {
    super(opts.message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.code = opts.code;
    this.status = opts.status;
    this.fields = opts.fields ?? null;
    this.retryAfter = opts.retryAfter ?? null;
  }

  /** Any error thrown by the tRPC client (or already a LecternError) as a LecternError. */
  static from(error: unknown): LecternError {
    if (error instanceof LecternError) return error;
    if (error instanceof TRPCClientError) {
      const data = (error.data ?? {}) as {
        code?: unknown;
        httpStatus?: unknown;
        fields?: unknown;
        retryAfter?: unknown;
      };
      return new LecternError({
        message: error.message,
        code: typeof data.code === 'string' ? data.code : 'NETWORK_ERROR',
        status: typeof data.httpStatus === 'number' ? data.httpStatus : 0,
        fields: isFieldErrors(data.fields) ? data.fields : null,
        retryAfter: typeof data.retryAfter === 'number' ? data.retryAfter : null,
        cause: error,
      });
    }
    const message = error instanceof Error ? error.message : String(error);
    return new LecternError({ message, code: 'NETWORK_ERROR', status: 0, cause: error });
  }

  /** A REST error body (`{detail, code}`, a field map, or the maintenance body) as a LecternError. */
  static fromRest(status: number, body: unknown, retryAfterHeader?: string | null): LecternError {
    const retry = retryAfterHeader ? Number(retryAfterHeader) : Number.NaN;
    const retryAfter = Number.isFinite(retry) ? retry : null;
    if (body && typeof body === 'object') {
      const b = body as Record<string, unknown>;
      if (typeof b.detail === 'string' && typeof b.code === 'string') {
        return new LecternError({ message: b.detail, code: b.code, status, retryAfter });
      }
      if (b.key === 'MAINTENANCE_MODE' && typeof b.detail === 'string') {
        return new LecternError({ message: b.detail, code: 'MAINTENANCE_MODE', status, retryAfter });
      }
      if (status === 400 && isFieldErrors(body)) {
        return new LecternError({
          message: 'Invalid input.',
          code: 'VALIDATION_ERROR',
          status,
          fields: body,
        });
      }
    }
    return new LecternError({
      message: `HTTP ${status}`,
      code: status >= 500 ? 'INTERNAL_ERROR' : 'ERROR',
      status,
    });
  }
}

function isFieldErrors(value: unknown): value is FieldErrors {
  return (
    typeof value === 'object' &&
    value !== null &&
    Object.values(value).every((v) => Array.isArray(v) && v.every((m) => typeof m === 'string'))
  );
}

/** Whether an error is the server's "this token is invalid or expired" (the cue to refresh). */
export function isTokenInvalid(error: unknown): boolean {
  if (error instanceof LecternError) return error.code === 'TOKEN_INVALID';
  if (error instanceof TRPCClientError) {
    return (error.data as { code?: unknown } | undefined)?.code === 'TOKEN_INVALID';
  }
  return false;
}
