import { fail, LecternError, restErrorResponse } from '@lectern/api';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/**
 * Fastify's (and its plugins') own errors, as the LecternErrors they stand for. Anything else goes to
 * @lectern/api's renderer as it is: a 4xx keeps its status, everything else is a 500 without details.
 */
const FRAMEWORK_ERRORS: Record<string, (error: FastifyError) => LecternError> = {
  FST_ERR_CTP_BODY_TOO_LARGE: (e) => fail.tooLarge(e.message),
  FST_REQ_FILE_TOO_LARGE: (e) => fail.tooLarge(e.message),
  FST_ERR_CTP_INVALID_MEDIA_TYPE: (e) => fail.unsupportedMedia(e.message),
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: (e) => new LecternError({ code: 'PARSE_ERROR', message: e.message }),
  FST_ERR_CTP_EMPTY_JSON_BODY: (e) => new LecternError({ code: 'PARSE_ERROR', message: e.message }),
  FST_ERR_CTP_INVALID_JSON_BODY: (e) => new LecternError({ code: 'PARSE_ERROR', message: e.message }),
};

function asLecternError(error: unknown): unknown {
  if (error instanceof LecternError) return error;
  const e = error as Partial<FastifyError> | null;
  const known = e?.code ? FRAMEWORK_ERRORS[e.code] : undefined;
  if (known) return known(e as FastifyError);
  if (e?.validation) return fail.fields({ non_field_errors: [e.message ?? 'Invalid request.'] });
  return error;
}

export function wantsHtml(request: FastifyRequest): boolean {
  return (request.headers.accept ?? '').includes('text/html');
}

/** Answers any error in the contract's shape (the one renderer: restErrorResponse). */
export function sendError(request: FastifyRequest, reply: FastifyReply, error: unknown): FastifyReply {
  const response = restErrorResponse(asLecternError(error), { acceptsHtml: wantsHtml(request) });
  if (response.status >= 500 && response.status !== 503) request.log.error({ err: error }, 'unhandled error');
  return reply.code(response.status).headers(response.headers).send(response.body);
}

/** The app-wide error and not-found handlers. */
export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error, request, reply) => sendError(request, reply, error));
  app.setNotFoundHandler((request, reply) =>
    sendError(request, reply, fail.notFound(`No route for ${request.method} ${request.url.split('?')[0]}.`)),
  );
}
