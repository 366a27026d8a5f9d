import type { MultipartFile } from '@fastify/multipart';
import multipart from '@fastify/multipart';
import {
  type Context,
  callProcedure,
  fail,
  LecternError,
  type MultipartPayload,
  type MultipartRoute,
  procedureInfo,
  receiveUpload,
  requireUser,
  type Storage,
} from '@lectern/api';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { malformedMultipart } from './errors.ts';

export interface UploadsPluginOptions {
  routes: readonly MultipartRoute[];
  maxFileBytes: number;
  maxFieldBytes: number;
}

const tooLarge = (limit: number) => fail.tooLarge(`The upload is larger than the limit of ${limit} bytes.`);

/**
 * Reads a multipart request. Each file is buffered only up to the limit: the stream is cut and the
 * request answered 413 as soon as the limit is passed, so an oversized upload is never held whole.
 * Files of `stream` fields go into storage as they arrive (at most SNIFF_BYTES held); the caller
 * removes them (payload.uploads) if the request fails after.
 */
async function readMultipart(
  req: FastifyRequest,
  route: MultipartRoute,
  opts: UploadsPluginOptions,
  storage: Storage,
  payload: MultipartPayload,
): Promise<MultipartPayload> {
  const isFileField = (name: string) => Object.hasOwn(route.files, name);
  try {
    await readParts(req, route, opts, storage, payload, isFileField);
  } catch (error) {
    // busboy's own parse errors (no or wrong boundary, a body cut short, a bad part header) are plain
    // Errors: everything else thrown here is already a LecternError or one of @fastify/multipart's.
    if (error instanceof Error && !(error instanceof LecternError) && !('code' in error)) {
      throw malformedMultipart(error.message);
    }
    throw error;
  }
  return payload;
}

/** The part's bytes, failing with the 413 as soon as the limit cuts the stream. */
async function* limited(part: MultipartFile, limit: number): AsyncGenerator<Uint8Array> {
  for await (const chunk of part.file) {
    if (part.file.truncated) throw tooLarge(limit);
    yield chunk as Buffer;
  }
  if (part.file.truncated) throw tooLarge(limit);
}

async function readParts(
  req: FastifyRequest,
  route: MultipartRoute,
  opts: UploadsPluginOptions,
  storage: Storage,
  payload: MultipartPayload,
  isFileField: (name: string) => boolean,
): Promise<void> {
  for await (const part of req.parts()) {
    if (part.type === 'file') {
      if (!isFileField(part.fieldname)) {
        part.file.resume();
        throw fail.field(part.fieldname, 'Unexpected file field.');
      }
      const stream = route.files[part.fieldname]?.stream;
      if (stream) {
        const previous = payload.uploads?.[part.fieldname];
        let upload: Awaited<ReturnType<typeof receiveUpload>>;
        try {
          upload = await receiveUpload(
            storage,
            part.filename,
            limited(part, opts.maxFileBytes),
            stream.kind,
            stream.key,
          );
        } catch (error) {
          // Refused before the end (415, 413): the rest of this part is read and dropped.
          part.file.resume();
          throw error;
        }
        // The same field twice: the last one counts, as for buffered files.
        if (previous) await storage.delete(previous.key);
        if (upload) {
          payload.uploads ??= {};
          payload.uploads[part.fieldname] = upload;
          delete payload.files[part.fieldname];
        } else {
          if (payload.uploads) delete payload.uploads[part.fieldname];
          payload.files[part.fieldname] = part.filename
            ? { filename: part.filename, data: new Uint8Array(0) }
            : null;
        }
        continue;
      }
      let data: Buffer;
      try {
        data = await part.toBuffer();
      } catch (error) {
        if ((error as { code?: unknown }).code === 'FST_REQ_FILE_TOO_LARGE')
          throw tooLarge(opts.maxFileBytes);
        throw error;
      }
      if (part.file.truncated) throw tooLarge(opts.maxFileBytes);
      payload.files[part.fieldname] =
        data.length === 0 && !part.filename ? null : { filename: part.filename, data: new Uint8Array(data) };
    } else {
      const value = typeof part.value === 'string' ? part.value : String(part.value);
      if (isFileField(part.fieldname)) {
        // A file field sent as a plain value: empty removes the file; anything else (a URL) is ignored.
        if (value === '') payload.files[part.fieldname] = null;
        continue;
      }
      const list = payload.fields[part.fieldname] ?? [];
      list.push(value);
      payload.fields[part.fieldname] = list;
    }
  }
}

/** `/posts/{slug}` → `/api/posts/:slug`. */
const fastifyPath = (path: string) => `/api${path.replace(/\{(\w+)\}/g, ':$1')}`;

/**
 * The paths that take files. Multipart bodies are read here (a missing or bad token is refused before
 * any of the body is read); JSON bodies on the same path run the route's procedure, as the REST bridge
 * would. PUT is served as PATCH.
 */
export async function uploadsPlugin(app: FastifyInstance, opts: UploadsPluginOptions): Promise<void> {
  await app.register(multipart, {
    limits: { fileSize: opts.maxFileBytes, files: 4, fields: 100, fieldSize: opts.maxFieldBytes, parts: 120 },
    throwFileSizeLimit: true,
  });
  for (const route of opts.routes) {
    const procedure = route.procedure ? procedureInfo(route.procedure) : undefined;
    const meta = procedure?.meta ?? route.meta;
    if (!meta) throw new Error(`multipart route ${route.path} has neither a procedure nor its own meta`);
    app.route({
      method: route.method === 'PATCH' ? ['PUT', 'PATCH'] : route.method,
      url: fastifyPath(route.path),
      handler: async (req, reply) => {
        const ctx: Context = await app.lectern.createContext(req);
        const params = (req.params ?? {}) as Record<string, string>;
        let result: unknown;
        if (req.isMultipart()) {
          const authed = requireUser(ctx);
          const payload: MultipartPayload = { fields: {}, files: {} };
          try {
            await readMultipart(req, route, opts, ctx.services.storage, payload);
            result = await route.run(authed, payload, params);
          } catch (error) {
            // No file of a failed request stays in storage (handlers also clean up their own).
            for (const upload of Object.values(payload.uploads ?? {})) {
              await ctx.services.storage.delete(upload.key).catch((err: unknown) => {
                req.log.error({ err, key: upload.key }, 'could not remove the upload of a failed request');
              });
            }
            throw error;
          }
        } else {
          if (!procedure) throw fail.unsupportedMedia('Send multipart/form-data.');
          const body = req.body ?? {};
          if (body === null || typeof body !== 'object' || Array.isArray(body)) {
            throw fail.fields({ non_field_errors: ['Invalid data. Expected a JSON object.'] });
          }
          result = await callProcedure(procedure.path, ctx, { ...body, ...params });
        }
        for (const [name, value] of Object.entries(ctx.http.headers)) reply.header(name, value);
        return reply.code(ctx.http.status ?? meta.successStatus ?? 200).send(result);
      },
    });
  }
}
