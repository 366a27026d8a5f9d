import multipart from '@fastify/multipart';
import { type Context, fail, type IncomingFile } from '@lectern/api';
import type { FastifyInstance, FastifyRequest } from 'fastify';

/** A parsed multipart body: text fields (repeatable) and file fields (null = sent empty, meaning "remove"). */
export interface MultipartPayload {
  fields: Record<string, string[]>;
  files: Record<string, IncomingFile | null>;
}

export interface UploadRoute {
  method: 'POST' | 'PUT' | 'PATCH';
  /** Fastify path under /api, e.g. `/api/users/:slug`. Registered before the REST bridge's wildcard. */
  url: string;
  /** File field names accepted; any other file part is a 400. */
  fileFields: readonly string[];
  /** Handles a multipart body. */
  multipart: (ctx: Context, payload: MultipartPayload, params: Record<string, string>) => Promise<unknown>;
  /** Handles a JSON body on the same path (usually: the procedure through a server-side caller). */
  json?: (ctx: Context, body: Record<string, unknown>, params: Record<string, string>) => Promise<unknown>;
  successStatus?: 200 | 201;
  /** Refuse a missing or invalid token (401) before any of the multipart body is read. */
  authenticated?: boolean;
}

export interface UploadsPluginOptions {
  routes: readonly UploadRoute[];
  maxFileBytes: number;
  maxFieldBytes: number;
}

function payloadTooLarge(limit: number) {
  return Object.assign(new Error(`The upload is larger than the limit of ${limit} bytes.`), {
    code: 'FST_ERR_CTP_BODY_TOO_LARGE',
    statusCode: 413,
  });
}

function badRequest(field: string, message: string) {
  return Object.assign(new Error(message), { statusCode: 400, fieldErrors: { [field]: [message] } });
}

/**
 * Reads a multipart request. Each file is buffered only up to the limit: the stream is cut and the
 * request answered 413 as soon as the limit is passed, so an oversized upload is never held whole.
 */
async function readMultipart(
  req: FastifyRequest,
  route: UploadRoute,
  opts: UploadsPluginOptions,
): Promise<MultipartPayload> {
  const payload: MultipartPayload = { fields: {}, files: {} };
  for await (const part of req.parts()) {
    if (part.type === 'file') {
      if (!route.fileFields.includes(part.fieldname)) {
        part.file.resume();
        throw badRequest(part.fieldname, 'Unexpected file field.');
      }
      let data: Buffer;
      try {
        data = await part.toBuffer();
      } catch (error) {
        // @fastify/multipart's own limit error would otherwise reach the client as a generic 413.
        if ((error as { code?: unknown }).code === 'FST_REQ_FILE_TOO_LARGE')
          throw payloadTooLarge(opts.maxFileBytes);
        throw error;
      }
      if (part.file.truncated) throw payloadTooLarge(opts.maxFileBytes);
      payload.files[part.fieldname] =
        data.length === 0 && !part.filename ? null : { filename: part.filename, data: new Uint8Array(data) };
    } else {
      const value = typeof part.value === 'string' ? part.value : String(part.value);
      if (route.fileFields.includes(part.fieldname)) {
        // A file field sent as a plain value: empty removes the file; anything else (a URL) is ignored.
        if (value === '') payload.files[part.fieldname] = null;
        continue;
      }
      const list = payload.fields[part.fieldname] ?? [];
      list.push(value);
      payload.fields[part.fieldname] = list;
    }
  }
  return payload;
}

/** Multipart routes, each accepting JSON on the same path too. */
export async function uploadsPlugin(app: FastifyInstance, opts: UploadsPluginOptions): Promise<void> {
  await app.register(multipart, {
    limits: { fileSize: opts.maxFileBytes, files: 4, fields: 100, fieldSize: opts.maxFieldBytes, parts: 120 },
    throwFileSizeLimit: true,
  });
  for (const route of opts.routes) {
    app.route({
      method: route.method,
      url: route.url,
      handler: async (req, reply) => {
        const ctx = await app.lectern.createContext(req);
        if (route.authenticated) {
          if (ctx.tokenRejected) throw fail.tokenInvalid();
          if (!ctx.user) throw fail.unauthenticated();
        }
        const params = (req.params ?? {}) as Record<string, string>;
        let result: unknown;
        if (req.isMultipart()) {
          result = await route.multipart(ctx, await readMultipart(req, route, opts), params);
        } else {
          const body = req.body;
          if (!route.json) {
            return reply
              .code(415)
              .send({ detail: 'Send multipart/form-data.', code: 'UNSUPPORTED_MEDIA_TYPE' });
          }
          if (body !== undefined && (body === null || typeof body !== 'object' || Array.isArray(body))) {
            return reply.code(400).send({ non_field_errors: ['Invalid data. Expected a JSON object.'] });
          }
          result = await route.json(ctx, (body ?? {}) as Record<string, unknown>, params);
        }
        for (const [name, value] of Object.entries(ctx.http.headers)) reply.header(name, value);
        return reply.code(ctx.http.status ?? route.successStatus ?? 200).send(result);
      },
    });
  }
}
