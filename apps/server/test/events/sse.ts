/** Reading server-sent events in tests: a REST stream through fetch, frames parsed as a browser would. */
import { setTimeout as sleep } from 'node:timers/promises';

export interface SseFrame {
  id?: string;
  event: string;
  data: string;
}

export interface SseStream {
  status: number;
  headers: Headers;
  /** The error body when the answer was not a stream. */
  body: unknown;
  frames: SseFrame[];
  /** Comments (`: heartbeat`), in order. */
  comments: string[];
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  /** Waits (up to `timeoutMs`) for a frame matching `match`. */
  next(match: (frame: SseFrame) => boolean, timeoutMs?: number): Promise<SseFrame>;
  close(): void;
}

export async function openSse(url: string, headers: Record<string, string> = {}): Promise<SseStream> {
  const abort = new AbortController();
  const res = await fetch(url, { headers, signal: abort.signal });
  const frames: SseFrame[] = [];
  const comments: string[] = [];
  if (!res.headers.get('content-type')?.startsWith('text/event-stream')) {
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {}
    return {
      status: res.status,
      headers: res.headers,
      body,
      frames,
      comments,
      ended: Promise.resolve(),
      next: () => Promise.reject(new Error(`not a stream: ${res.status} ${text}`)),
      close: () => {},
    };
  }
  const reader = res.body?.pipeThrough(new TextDecoderStream()).getReader();
  const ended = (async () => {
    let buffer = '';
    try {
      for (;;) {
        const chunk = await reader?.read();
        if (!chunk || chunk.done) return;
        buffer += chunk.value;
        let end = buffer.indexOf('\n\n');
        while (end !== -1) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const frame: SseFrame = { event: 'message', data: '' };
          let isFrame = false;
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) comments.push(line.slice(1).trim());
            else {
              const [field = '', ...rest] = line.split(':');
              const value = rest.join(':').replace(/^ /, '');
              isFrame = true;
              if (field === 'id') frame.id = value;
              else if (field === 'event') frame.event = value;
              else if (field === 'data') frame.data += value;
            }
          }
          if (isFrame) frames.push(frame);
          end = buffer.indexOf('\n\n');
        }
      }
    } catch {
      // aborted by close()
    }
  })();
  return {
    status: res.status,
    headers: res.headers,
    body: undefined,
    frames,
    comments,
    ended,
    async next(match, timeoutMs = 2_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = frames.find(match);
        if (found) return found;
        if (Date.now() > deadline) {
          throw new Error(`no matching frame within ${timeoutMs} ms; got ${JSON.stringify(frames)}`);
        }
        await sleep(10);
      }
    },
    close: () => abort.abort(),
  };
}

/** Polls `read` until it returns something truthy, or fails after `timeoutMs`. */
export async function within<T>(timeoutMs: number, read: () => T | undefined, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(5);
  }
}
