import type { IncomingMessage } from 'node:http';

/*
 * `?key=lk_…`: a content key in the query string, for site frontends that cannot set headers. It is
 * taken off the URL before routing (Fastify's `rewriteUrl`), so it never reaches a procedure's input,
 * `request.url`, a `next` link or a log line; the request's context reads it from here instead.
 */

const keys = new WeakMap<IncomingMessage, string>();

const isKeyParam = (pair: string) => {
  const name = pair.split('=', 1)[0] ?? '';
  try {
    return decodeURIComponent(name.replace(/\+/g, ' ')) === 'key';
  } catch {
    return false;
  }
};

/** The URL without its `key` parameters (the others kept byte for byte); the key is kept for the context. */
export function takeContentKey(req: IncomingMessage): string {
  const url = req.url ?? '/';
  const start = url.indexOf('?');
  if (start === -1) return url;
  const pairs = url.slice(start + 1).split('&');
  const keyPairs = pairs.filter(isKeyParam);
  if (keyPairs.length === 0) return url;
  const last = keyPairs.at(-1) ?? '';
  const value = last.includes('=') ? last.slice(last.indexOf('=') + 1) : '';
  try {
    keys.set(req, decodeURIComponent(value.replace(/\+/g, ' ')));
  } catch {
    keys.set(req, value);
  }
  const rest = pairs.filter((pair) => !isKeyParam(pair)).join('&');
  const stripped = `${url.slice(0, start)}${rest ? `?${rest}` : ''}`;
  // Fastify keeps the URL as received for its own use; that copy loses the key too.
  (req as IncomingMessage & { originalUrl?: string }).originalUrl = stripped;
  return stripped;
}

/** The content key this request carried in its query string, if any. */
export const contentKeyOf = (req: IncomingMessage): string | undefined => keys.get(req);
