import { describeError, type FieldErrors, MAINTENANCE_DETAIL, type MachineCode } from '@lectern/api';
import { TRPCError } from '@trpc/server';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** REST error bodies, exactly as api.md spells them. */
export type RestErrorBody =
  | FieldErrors
  | { detail: string; code: MachineCode | string }
  | { detail: string; key: 'MAINTENANCE_MODE'; CODE: 'MAT503' };

export const maintenanceBody = {
  detail: MAINTENANCE_DETAIL,
  key: 'MAINTENANCE_MODE',
  CODE: 'MAT503',
} as const;

export const MAINTENANCE_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Under maintenance</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:20vh auto;padding:0 1rem;color:#222}</style>
</head><body><h1>Under maintenance</h1><p>${MAINTENANCE_DETAIL}</p></body></html>`;

export function wantsHtml(request: FastifyRequest): boolean {
  const accept = request.headers.accept ?? '';
  return accept.includes('text/html');
}

export function sendMaintenance(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  reply.code(503).header('Retry-After', '60');
  if (wantsHtml(request)) return reply.type('text/html; charset=utf-8').send(MAINTENANCE_HTML);
  return reply.send(maintenanceBody);
}

/** The REST body and status for any error thrown by a procedure or a plain route. */
export function restError(error: unknown): {
  status: number;
  body: RestErrorBody;
  retryAfter: number | null;
} {
  const trpcError =
    error instanceof TRPCError ? error : new TRPCError({ code: 'INTERNAL_SERVER_ERROR', cause: error });
  const info = describeError(trpcError);
  if (info.machineCode === 'MAINTENANCE_MODE') return { status: 503, body: maintenanceBody, retryAfter: 60 };
  if (info.fields) return { status: info.httpStatus, body: info.fields, retryAfter: null };
  return {
    status: info.httpStatus,
    body: { detail: info.message, code: info.machineCode },
    retryAfter: info.retryAfter,
  };
}
