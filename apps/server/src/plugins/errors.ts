import { fail, LecternError, restErrorResponse, trpcErrorResponse } from '@lectern/api';
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
  FST_ERR_BAD_URL: () =>
    new LecternError({ code: 'BAD_REQUEST', message: 'The URL is malformed (bad percent-encoding).' }),
  FST_INVALID_MULTIPART_CONTENT_TYPE: () =>
    malformedMultipart('the Content-Type is not multipart/form-data.'),
  FST_PARTS_LIMIT: () => fail.tooLarge('Too many parts in the multipart body.'),
  FST_FILES_LIMIT: () => fail.tooLarge('Too many files in the multipart body.'),
  FST_FIELDS_LIMIT: () => fail.tooLarge('Too many fields in the multipart body.'),
};

export const malformedMultipart = (why: string) =>
  new LecternError({ code: 'MALFORMED_MULTIPART', message: `The multipart body cannot be read: ${why}` });

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

/** tRPC calls are `/trpc/<path>[,<path>…]`; batched ones (`?batch=1`) expect one answer per call. */
function trpcCalls(request: FastifyRequest): { paths: string[]; batch: boolean } | undefined {
  const [pathname = '', query = ''] = request.url.split('?');
  if (!pathname.startsWith('/trpc/')) return undefined;
  const paths = decodeURIComponent(pathname.slice('/trpc/'.length)).split(',');
  return { paths, batch: new URLSearchParams(query).get('batch') === '1' };
}

/**
 * Answers any error in the contract's shape: restErrorResponse for REST and plain routes, the tRPC
 * envelope for a tRPC call that failed before tRPC ran (its body could not be read).
 */
export function sendError(request: FastifyRequest, reply: FastifyReply, error: unknown): FastifyReply {
  const lectern = asLecternError(error);
  const calls = trpcCalls(request);
  if (calls) {
    const answers = calls.paths.map((path) => trpcErrorResponse(lectern, path));
    const status = answers[0]?.status ?? 500;
    if (status >= 500 && status !== 503) request.log.error({ err: error }, 'unhandled error');
    return reply.code(status).send(calls.batch ? answers.map((a) => a.body) : answers[0]?.body);
  }
  const response = restErrorResponse(lectern, { acceptsHtml: wantsHtml(request) });
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
