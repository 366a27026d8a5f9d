import type { AppRouter } from '@lectern/api';
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import { isTokenInvalid, LecternError } from './errors.ts';

type Inputs = inferRouterInputs<AppRouter>;
type Outputs = inferRouterOutputs<AppRouter>;

/** A full post, as `posts.get`, `posts.create` and the upload helpers return it. */
export type Post = Outputs['posts']['get'];
/** A gallery file, as `files.get` and `uploadFile` return it. */
export type GalleryFile = Outputs['files']['get'];
/** The fields of a new post (`posts.create`); a thumbnail goes through `createPostWithThumbnail`. */
export type PostCreateInput = Inputs['posts']['create'];

/** How the helpers reach the REST door: the client's base URL, fetch and current access token. */
export interface ContentTransport {
  /** The server's base URL, e.g. http://localhost:8000 (REST is under /api). */
  baseUrl: string;
  fetch: typeof fetch;
  /** The access token to send, if any. */
  getAccessToken: () => string | undefined | Promise<string | undefined>;
  /**
   * Called once after a 401 `TOKEN_INVALID` with the token that was refused; true when a new token is
   * available (the request is then sent again). Without it, the 401 is thrown.
   */
  refresh?: (usedAccess: string | undefined) => Promise<boolean>;
  /** Extra headers on every request. */
  headers?: () => Record<string, string> | Promise<Record<string, string>>;
}

/** Options of an upload: progress of the request body, and cancellation. */
export interface UploadOptions {
  /**
   * Called as the file goes out with the bytes sent so far and the total. In a browser (where
   * `XMLHttpRequest` exists) it fires while the body uploads; elsewhere fetch gives no upload events,
   * so it fires once, when the body has been sent.
   */
  onProgress?: (progress: { loaded: number; total: number }) => void;
  /** Aborts the upload (the promise then rejects with an `ABORTED` LecternError). */
  signal?: AbortSignal;
}

export interface ContentHelpers {
  /**
   * Creates a post with a thumbnail image through the multipart route (POST /api/posts/). Returns the
   * same type as `posts.create`. Throws LecternError (400 fields, 413 too large, 415 not an image, …).
   */
  createPostWithThumbnail(
    input: PostCreateInput,
    file: Blob,
    filename?: string,
    options?: UploadOptions,
  ): Promise<Post>;
  /**
   * Replaces a post's thumbnail (PATCH /api/posts/{slug}/); `null` removes it. Returns the full post.
   */
  updatePostThumbnail(
    slug: string,
    file: Blob | null,
    filename?: string,
    options?: UploadOptions,
  ): Promise<Post>;
  /**
   * Uploads a file to the gallery (POST /api/files/); `title` defaults to the file name on the server.
   * Returns the same type as `files.get`.
   */
  uploadFile(file: Blob, title?: string, filename?: string, options?: UploadOptions): Promise<GalleryFile>;
}

function nameOf(file: Blob, filename: string | undefined, fallback: string): string {
  if (filename) return filename;
  if (typeof File !== 'undefined' && file instanceof File && file.name) return file.name;
  return fallback;
}

/** REST sends ISO strings; the tRPC door's types (and these helpers') carry Dates. */
function revivePost(body: Record<string, unknown>): Post {
  return {
    ...body,
    published_at: body.published_at === null ? null : new Date(String(body.published_at)),
    publish_at:
      body.publish_at === null || body.publish_at === undefined ? null : new Date(String(body.publish_at)),
    created_at: new Date(String(body.created_at)),
    updated_at: new Date(String(body.updated_at)),
  } as Post;
}

function reviveFile(body: Record<string, unknown>): GalleryFile {
  return { ...body, uploaded_at: new Date(String(body.uploaded_at)) } as GalleryFile;
}

/** The multipart fields of a post: the JSON door's fields, with tags as a JSON string. */
function appendPostFields(form: FormData, input: PostCreateInput): void {
  form.append('title', input.title);
  if (input.body !== undefined) form.append('body', input.body);
  if (input.excerpt !== undefined) form.append('excerpt', input.excerpt);
  if (input.tags !== undefined) form.append('tags', JSON.stringify(input.tags));
  if (input.categories !== undefined) {
    const ids = input.categories.map((c) => (typeof c === 'number' ? c : c.id));
    form.append('categories', JSON.stringify(ids));
  }
  if (input.is_published !== undefined) form.append('is_published', input.is_published ? 'true' : 'false');
  // Multipart carries text: ISO 8601 for a time, empty for "no schedule".
  if (input.publish_at !== undefined) form.append('publish_at', input.publish_at?.toISOString() ?? '');
}

/** The part of the browser's XMLHttpRequest used here (the SDK is typed without the DOM library). */
interface XhrLike {
  open(method: string, url: string): void;
  setRequestHeader(name: string, value: string): void;
  upload: {
    onprogress: ((event: { lengthComputable: boolean; loaded: number; total: number }) => void) | null;
  };
  onload: (() => void) | null;
  onerror: (() => void) | null;
  onabort: (() => void) | null;
  readonly status: number;
  readonly responseText: string;
  getResponseHeader(name: string): string | null;
  abort(): void;
  send(body: FormData): void;
}

interface MultipartAnswer {
  status: number;
  body: unknown;
  retryAfter: string | null;
}

/** One multipart request; through XMLHttpRequest when progress is asked for and it exists. */
export async function sendMultipart(
  fetchImpl: typeof fetch,
  request: { method: 'POST' | 'PATCH'; url: string; headers: Record<string, string>; body: FormData },
  options: UploadOptions = {},
): Promise<MultipartAnswer> {
  const { onProgress, signal } = options;
  const aborted = () =>
    new LecternError({ message: 'The upload was cancelled.', code: 'ABORTED', status: 0 });
  if (signal?.aborted) throw aborted();
  const Xhr = (globalThis as { XMLHttpRequest?: new () => XhrLike }).XMLHttpRequest;
  if (onProgress && Xhr) {
    return new Promise<MultipartAnswer>((resolve, reject) => {
      const xhr = new Xhr();
      xhr.open(request.method, request.url);
      for (const [name, value] of Object.entries(request.headers)) xhr.setRequestHeader(name, value);
      xhr.upload.onprogress = (event) => {
        if (event.lengthComputable) onProgress({ loaded: event.loaded, total: event.total });
      };
      xhr.onload = () => {
        let body: unknown = null;
        try {
          body = JSON.parse(xhr.responseText);
        } catch {
          // Not JSON: handled as an unreadable answer below.
        }
        resolve({ status: xhr.status, body, retryAfter: xhr.getResponseHeader('retry-after') });
      };
      xhr.onerror = () =>
        reject(
          new LecternError({ message: 'The server could not be reached.', code: 'NETWORK_ERROR', status: 0 }),
        );
      xhr.onabort = () => reject(aborted());
      signal?.addEventListener('abort', () => xhr.abort(), { once: true });
      xhr.send(request.body);
    });
  }
  let response: Response;
  try {
    response = await fetchImpl(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      ...(signal ? { signal } : {}),
    });
  } catch (error) {
    if (signal?.aborted) throw aborted();
    throw LecternError.from(error);
  }
  const body: unknown = await response.json().catch(() => null);
  if (onProgress) {
    // fetch reports no upload progress: the whole body has gone out once an answer is here.
    let total = 0;
    for (const value of request.body.values()) total += typeof value === 'string' ? value.length : value.size;
    onProgress({ loaded: total, total });
  }
  return { status: response.status, body, retryAfter: response.headers.get('retry-after') };
}

/**
 * Sends a multipart form to a REST path with the current access token; after a 401 `TOKEN_INVALID`
 * it refreshes once (when the transport can) and sends a fresh form again. Returns the JSON answer;
 * throws LecternError for any error answer.
 */
export async function sendForm(
  transport: ContentTransport,
  method: 'POST' | 'PATCH',
  path: string,
  form: () => FormData,
  options?: UploadOptions,
): Promise<Record<string, unknown>> {
  const base = transport.baseUrl.replace(/\/+$/, '');
  const attempt = async (access: string | undefined) => {
    const headers = {
      ...(transport.headers ? await transport.headers() : {}),
      ...(access ? { authorization: `Bearer ${access}` } : {}),
    };
    return sendMultipart(transport.fetch, { method, url: `${base}${path}`, headers, body: form() }, options);
  };
  let access = await transport.getAccessToken();
  let answer = await attempt(access);
  if (answer.status === 401 && transport.refresh) {
    const error = LecternError.fromRest(answer.status, answer.body);
    if (isTokenInvalid(error) && (await transport.refresh(access))) {
      access = await transport.getAccessToken();
      answer = await attempt(access);
    }
  }
  const { status, body, retryAfter } = answer;
  if (status < 200 || status >= 300 || body === null || typeof body !== 'object') {
    throw LecternError.fromRest(status, body, retryAfter);
  }
  return body as Record<string, unknown>;
}

/** Upload helpers over the multipart routes, for any client that can supply a transport. */
export function createContentHelpers(transport: ContentTransport): ContentHelpers {
  const send = (method: 'POST' | 'PATCH', path: string, form: () => FormData, options?: UploadOptions) =>
    sendForm(transport, method, path, form, options);

  return {
    async createPostWithThumbnail(input, file, filename, options) {
      const body = await send(
        'POST',
        '/api/posts/',
        () => {
          const form = new FormData();
          appendPostFields(form, input);
          form.append('thumbnail', file, nameOf(file, filename, 'thumbnail'));
          return form;
        },
        options,
      );
      return revivePost(body);
    },

    async updatePostThumbnail(slug, file, filename, options) {
      const body = await send(
        'PATCH',
        `/api/posts/${encodeURIComponent(slug)}/`,
        () => {
          const form = new FormData();
          if (file) form.append('thumbnail', file, nameOf(file, filename, 'thumbnail'));
          else form.append('thumbnail', '');
          return form;
        },
        options,
      );
      return revivePost(body);
    },

    async uploadFile(file, title, filename, options) {
      const body = await send(
        'POST',
        '/api/files/',
        () => {
          const form = new FormData();
          form.append('file', file, nameOf(file, filename, 'file'));
          if (title !== undefined) form.append('title', title);
          return form;
        },
        options,
      );
      return reviveFile(body);
    },
  };
}
