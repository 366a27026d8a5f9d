import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { Transform, type TransformCallback } from 'node:stream';
import { LecternError, MAX_INPUT_DEPTH, restErrorResponse } from '@lectern/api';
import type { FastifyInstance, FastifyRequest } from 'fastify';

/*
 * Guards on what reaches the server before any route runs: JSON bodies must be valid UTF-8 and nest
 * at most MAX_INPUT_DEPTH levels (checked while they stream in, so neither costs a parse), and the
 * errors Node's HTTP parser answers on its own get the contract's bodies.
 */

const parseError = (message: string) => new LecternError({ code: 'PARSE_ERROR', message });

/**
 * Passes a JSON body through unchanged, failing as soon as it is not UTF-8 or nests more than
 * `maxDepth` arrays/objects below its top-level value. A small state machine: it knows when it is
 * inside a string.
 */
export class JsonBodyGuard extends Transform {
  readonly #decoder = new TextDecoder('utf-8', { fatal: true });
  #depth = 0;
  #inString = false;
  #escaped = false;
  /** Bytes seen: Fastify compares it with Content-Length. */
  receivedEncodedLength = 0;

  constructor(private readonly maxDepth: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.receivedEncodedLength += chunk.length;
    let text: string;
    try {
      text = this.#decoder.decode(chunk, { stream: true });
    } catch {
      callback(parseError('The body is not valid UTF-8.'));
      return;
    }
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (this.#inString) {
        if (this.#escaped) this.#escaped = false;
        else if (c === 0x5c) this.#escaped = true;
        else if (c === 0x22) this.#inString = false;
      } else if (c === 0x22) {
        this.#inString = true;
      } else if (c === 0x5b || c === 0x7b) {
        if (++this.#depth > this.maxDepth + 1) {
          callback(parseError(`The body nests deeper than ${MAX_INPUT_DEPTH} levels.`));
          return;
        }
      } else if (c === 0x5d || c === 0x7d) {
        this.#depth--;
      }
    }
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    try {
      this.#decoder.decode();
      callback();
    } catch {
      callback(parseError('The body is not valid UTF-8.'));
    }
  }
}

const isJson = (request: FastifyRequest) => {
  const type = request.headers['content-type'] ?? '';
  return /^application\/(.+\+)?json\b/i.test(type);
};

/** Every JSON body, on both doors, through the guard. */
export function installBodyGuards(app: FastifyInstance): void {
  app.addHook('preParsing', async (request, _reply, payload) => {
    if (!isJson(request)) return payload;
    // The tRPC door wraps its input in one more object ({"json": …}).
    const guard = new JsonBodyGuard(MAX_INPUT_DEPTH + 1);
    payload.on('error', (error) => guard.destroy(error));
    return payload.pipe(guard);
  });
}

const CLIENT_ERRORS: Record<string, LecternError> = {
  HPE_HEADER_OVERFLOW: new LecternError({
    code: 'HEADERS_TOO_LARGE',
    message: 'The request line and headers are over the server limit (a long URL counts).',
  }),
  ERR_HTTP_REQUEST_TIMEOUT: new LecternError({
    code: 'REQUEST_TIMEOUT',
    message: 'The request was not received in time.',
  }),
};
const UNREADABLE = new LecternError({ code: 'BAD_REQUEST', message: 'The request could not be read.' });

/**
 * Node's HTTP parser refuses some requests before any route (or hook) runs — headers over the limit,
 * a malformed request line — and hands the socket here: the answer is written raw, in the contract's
 * shape. (A URL longer than the header limit is one of these: 431, never 414.)
 */
export function clientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const known = (error.code && CLIENT_ERRORS[error.code]) || UNREADABLE;
  const response = restErrorResponse(known, { acceptsHtml: false });
  const body = JSON.stringify(response.body);
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${response.status} ${STATUS_CODES[response.status]}\r\nConnection: close\r\n` +
        `Content-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}
