/** Shared by the content tests (posts, categories, files): tiny real files and multipart bodies. */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { TestApp } from './helpers.ts';
import { bearer } from './helpers.ts';

/** A 1×1 PNG. */
export const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);
/** A 1×1 GIF. */
export const GIF = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');
/** A minimal PDF header: enough for detection by bytes. */
export const PDF = Buffer.from('%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n', 'latin1');

export type Part = string | { data: Uint8Array; filename: string; type?: string };

/** A multipart/form-data body, encoded the way a browser's fetch would. Repeated names allowed. */
export async function multipart(
  parts: Array<[string, Part]>,
): Promise<{ payload: Buffer; headers: Record<string, string> }> {
  const form = new FormData();
  for (const [name, part] of parts) {
    if (typeof part === 'string') form.append(name, part);
    else
      form.append(
        name,
        new Blob([part.data], { type: part.type ?? 'application/octet-stream' }),
        part.filename,
      );
  }
  const request = new Request('http://local.test/', { method: 'POST', body: form });
  return {
    payload: Buffer.from(await request.arrayBuffer()),
    headers: { 'content-type': request.headers.get('content-type') ?? '' },
  };
}

/** Sends a multipart request through app.inject. */
export async function injectMultipart(
  t: TestApp,
  method: 'POST' | 'PUT' | 'PATCH',
  url: string,
  token: string | null,
  parts: Array<[string, Part]>,
) {
  const body = await multipart(parts);
  return t.app.inject({
    method,
    url,
    payload: body.payload,
    headers: { ...body.headers, ...(token ? bearer(token) : {}) },
  });
}

/** Every file under the media root, as keys relative to it (sorted). */
export async function mediaFiles(t: TestApp): Promise<string[]> {
  try {
    const entries = await readdir(t.env.MEDIA_ROOT, { recursive: true, withFileTypes: true });
    return entries
      .filter((e) => e.isFile())
      .map((e) => path.relative(t.env.MEDIA_ROOT, path.join(e.parentPath, e.name)))
      .sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/** The storage key of an absolute /media/ URL. */
export function keyOfUrl(url: string): string {
  const { pathname } = new URL(url);
  if (!pathname.startsWith('/media/')) throw new Error(`not a media URL: ${url}`);
  return decodeURIComponent(pathname.slice('/media/'.length));
}
