import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { AddressRefusedError, resolveTarget } from './addresses.ts';

export interface SendOutcome {
  /** A 2xx answer. */
  ok: boolean;
  /** The receiver's status (a redirect is recorded as such: redirects are never followed). */
  status: number | null;
  durationMs: number;
  /** Why there is no answer (refused address, connection error, timeout); null when there is one. */
  error: string | null;
  /** The address was refused (SSRF rule): retrying will not help until the URL or DNS changes. */
  refused: boolean;
}

export interface SendRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
  allowPrivate: boolean;
}

/**
 * One POST to a receiver. The host is resolved and checked first (addresses.ts), and the connection is
 * made to that checked address (a custom `lookup`), so a name cannot resolve to a public address for
 * the check and to a private one for the connection. No redirect is followed (node:http never
 * follows). The whole exchange — lookup, connect, TLS, headers of the answer — has `timeoutMs`; the
 * answer's body is not read.
 */
export async function postWebhook(req: SendRequest): Promise<SendOutcome> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), req.timeoutMs);
  const timedOut = new Promise<never>((_, reject) => {
    abort.signal.addEventListener('abort', () => reject(new Error(`timed out after ${req.timeoutMs} ms`)));
  });
  timedOut.catch(() => {});
  try {
    const url = new URL(req.url);
    const target = await Promise.race([resolveTarget(url, req.allowPrivate), timedOut]);
    const lookup: LookupFunction = (_hostname, options, callback) => {
      if (options.all) callback(null, [{ address: target.address, family: target.family }]);
      else callback(null, target.address, target.family);
    };
    const status = await Promise.race([
      new Promise<number>((resolve, reject) => {
        const client = url.protocol === 'https:' ? https : http;
        const request = client.request(url, {
          method: 'POST',
          headers: { ...req.headers, 'content-length': String(Buffer.byteLength(req.body)) },
          lookup,
          agent: false,
          signal: abort.signal,
        });
        request.on('response', (response) => {
          resolve(response.statusCode ?? 0);
          response.destroy();
        });
        request.on('error', reject);
        request.end(req.body);
      }),
      timedOut,
    ]);
    const ok = status >= 200 && status < 300;
    return { ok, status, durationMs: elapsed(), error: null, refused: false };
  } catch (error) {
    const refused = error instanceof AddressRefusedError;
    const message = abort.signal.aborted
      ? `timed out after ${req.timeoutMs} ms`
      : error instanceof Error
        ? error.message
        : String(error);
    return { ok: false, status: null, durationMs: elapsed(), error: message.slice(0, 500), refused };
  } finally {
    clearTimeout(timer);
  }
}
