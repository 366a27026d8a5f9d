/**
 * Upload progress in the SDK's multipart helpers: through XMLHttpRequest when the runtime has it (a
 * browser; a stand-in class here, the real one is driven by the admin's browser tests), through fetch
 * otherwise, with the same LecternError answers and the same refresh-and-retry.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createContentHelpers, LecternError } from '../src/index.ts';

const fileBody = {
  id: 7,
  title: 'notes.txt',
  file: 'http://cms.test/media/file_gallery/x.txt',
  size: 11,
  content_type: 'text/plain',
  uploaded_by: { id: 1, username: 'ada', slug: 'ada-1' },
  uploaded_at: '2026-12-02T10:00:00.000Z',
};

interface Sent {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: FormData;
}

/** A stand-in XMLHttpRequest: reports upload progress in two steps, then the scripted answer. */
function installFakeXhr(answers: Array<{ status: number; body: unknown; retryAfter?: string }>): Sent[] {
  const sent: Sent[] = [];
  class FakeXhr {
    upload: {
      onprogress: ((e: { lengthComputable: boolean; loaded: number; total: number }) => void) | null;
    } = {
      onprogress: null,
    };
    onload: (() => void) | null = null;
    onerror: (() => void) | null = null;
    onabort: (() => void) | null = null;
    status = 0;
    responseText = '';
    #request: Sent = { method: '', url: '', headers: {}, body: new FormData() };
    #retryAfter: string | null = null;
    open(method: string, url: string) {
      this.#request = { method, url, headers: {}, body: new FormData() };
    }
    setRequestHeader(name: string, value: string) {
      this.#request.headers[name] = value;
    }
    getResponseHeader(name: string) {
      return name.toLowerCase() === 'retry-after' ? this.#retryAfter : null;
    }
    abort() {
      queueMicrotask(() => this.onabort?.());
    }
    send(body: FormData) {
      this.#request.body = body;
      sent.push(this.#request);
      const answer = answers.shift();
      if (!answer) throw new Error('no scripted answer left');
      setTimeout(() => {
        this.upload.onprogress?.({ lengthComputable: true, loaded: 5, total: 10 });
        this.upload.onprogress?.({ lengthComputable: true, loaded: 10, total: 10 });
        this.status = answer.status;
        this.responseText = JSON.stringify(answer.body);
        this.#retryAfter = answer.retryAfter ?? null;
        this.onload?.();
      }, 1);
    }
  }
  (globalThis as { XMLHttpRequest?: unknown }).XMLHttpRequest = FakeXhr;
  return sent;
}

const noFetch: typeof fetch = () => Promise.reject(new Error('fetch must not be used when XHR exists'));

afterEach(() => {
  delete (globalThis as { XMLHttpRequest?: unknown }).XMLHttpRequest;
});

describe('upload progress', () => {
  it('reports progress through XMLHttpRequest and returns the same type as files.get', async () => {
    const sent = installFakeXhr([{ status: 201, body: fileBody }]);
    const helpers = createContentHelpers({
      baseUrl: 'http://cms.test/',
      fetch: noFetch,
      getAccessToken: () => 'A1',
    });
    const progress: number[] = [];
    const stored = await helpers.uploadFile(
      new Blob(['hello world'], { type: 'text/plain' }),
      'notes',
      'n.txt',
      {
        onProgress: ({ loaded, total }) => progress.push(loaded / total),
      },
    );
    expect(progress).toEqual([0.5, 1]);
    expect(stored.uploaded_at).toBeInstanceOf(Date);
    expect(stored.id).toBe(7);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.method).toBe('POST');
    expect(sent[0]?.url).toBe('http://cms.test/api/files/');
    expect(sent[0]?.headers.authorization).toBe('Bearer A1');
    expect(sent[0]?.body.get('title')).toBe('notes');
  });

  it('turns a refused upload into the server reason, with the retry delay of a 429', async () => {
    installFakeXhr([
      { status: 415, body: { detail: 'SVG files are not accepted.', code: 'UNSUPPORTED_MEDIA_TYPE' } },
      { status: 429, body: { detail: 'Slow down.', code: 'RATE_LIMITED' }, retryAfter: '42' },
    ]);
    const helpers = createContentHelpers({
      baseUrl: 'http://cms.test',
      fetch: noFetch,
      getAccessToken: () => 'A1',
    });
    const onProgress = () => {};
    const refused = await helpers
      .uploadFile(new Blob(['<svg/>']), undefined, 'x.svg', { onProgress })
      .catch((e) => e);
    expect(refused).toBeInstanceOf(LecternError);
    expect(refused).toMatchObject({
      status: 415,
      code: 'UNSUPPORTED_MEDIA_TYPE',
      message: 'SVG files are not accepted.',
    });
    const limited = await helpers
      .uploadFile(new Blob(['x']), undefined, 'x.txt', { onProgress })
      .catch((e) => e);
    expect(limited).toMatchObject({ status: 429, code: 'RATE_LIMITED', retryAfter: 42 });
  });

  it('refreshes once after a refused token and sends the upload again', async () => {
    const sent = installFakeXhr([
      { status: 401, body: { detail: 'Token expired.', code: 'TOKEN_INVALID' } },
      { status: 201, body: fileBody },
    ]);
    let access = 'old';
    const helpers = createContentHelpers({
      baseUrl: 'http://cms.test',
      fetch: noFetch,
      getAccessToken: () => access,
      refresh: async (used) => {
        expect(used).toBe('old');
        access = 'new';
        return true;
      },
    });
    await helpers.uploadFile(new Blob(['x']), undefined, 'x.txt', { onProgress: () => {} });
    expect(sent.map((s) => s.headers.authorization)).toEqual(['Bearer old', 'Bearer new']);
  });

  it('cancels through the signal', async () => {
    installFakeXhr([{ status: 201, body: fileBody }]);
    const helpers = createContentHelpers({
      baseUrl: 'http://cms.test',
      fetch: noFetch,
      getAccessToken: () => 'A',
    });
    const controller = new AbortController();
    const pending = helpers.uploadFile(new Blob(['x']), undefined, 'x.txt', {
      onProgress: () => {},
      signal: controller.signal,
    });
    controller.abort();
    await expect(pending).rejects.toMatchObject({ code: 'ABORTED' });
  });

  it('without XMLHttpRequest, goes through fetch and reports the whole body once sent', async () => {
    const requests: Request[] = [];
    const fakeFetch: typeof fetch = async (input, init) => {
      requests.push(new Request(input, init));
      return new Response(JSON.stringify(fileBody), {
        status: 201,
        headers: { 'content-type': 'application/json' },
      });
    };
    const helpers = createContentHelpers({
      baseUrl: 'http://cms.test',
      fetch: fakeFetch,
      getAccessToken: () => 'A',
    });
    const progress: Array<{ loaded: number; total: number }> = [];
    await helpers.uploadFile(new Blob(['hello world']), 'notes', 'n.txt', {
      onProgress: (p) => progress.push(p),
    });
    expect(requests).toHaveLength(1);
    expect(progress).toHaveLength(1);
    expect(progress[0]?.loaded).toBe(progress[0]?.total);
    expect(progress[0]?.total).toBeGreaterThanOrEqual(11);
  });
});
