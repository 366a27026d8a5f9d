/**
 * What reaches the server before any route runs: Node's HTTP parser refusals (431, a request it cannot
 * read), malformed URLs, JSON bodies that are not UTF-8 or nest too deeply (on both doors), and the text
 * rule on every input — all answered in the contract's shapes.
 */
import net from 'node:net';
import { createLecternClient, LecternError } from '@lectern/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestApp, insertUser, type TestApp } from '../helpers.ts';

/** Sends raw bytes on a socket and reads until the server closes it. */
function raw(port: number, text: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(text));
    let out = '';
    socket.on('data', (d) => {
      out += d.toString();
    });
    socket.on('close', () => resolve(out));
    socket.on('error', () => resolve(out));
  });
}

const bodyOf = (response: string) => JSON.parse(response.slice(response.indexOf('\r\n\r\n') + 4));

describe('request guards', () => {
  let t: TestApp;
  let url: string;
  let port: number;
  let staff: Awaited<ReturnType<typeof insertUser>>;
  beforeAll(async () => {
    t = await createTestApp();
    url = await t.app.listen({ port: 0, host: '127.0.0.1' });
    port = Number(new URL(url).port);
    staff = await insertUser(t.testDb, { is_staff: true });
  });
  afterAll(async () => {
    await t?.close();
  });

  it("answers Node's own refusals in the contract's shape: 431 for big headers or a long URL, 400 otherwise", async () => {
    const big = await raw(port, `GET /api/posts HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    expect(big).toMatch(/^HTTP\/1\.1 431 /);
    expect(bodyOf(big)).toEqual({ detail: expect.any(String), code: 'HEADERS_TOO_LARGE' });
    const longUrl = await raw(port, `GET /api/posts/${'a'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`);
    expect(longUrl).toMatch(/^HTTP\/1\.1 431 /);
    const garbage = await raw(port, 'NOT HTTP AT ALL\r\n\r\n');
    expect(garbage).toMatch(/^HTTP\/1\.1 400 /);
    expect(bodyOf(garbage)).toEqual({ detail: 'The request could not be read.', code: 'BAD_REQUEST' });
  });

  it('answers a malformed URL with 400 BAD_REQUEST', async () => {
    for (const path of ['/api/posts/%E2%82', '/api/categories/%zz', '/media/x/%zz']) {
      const res = await t.app.inject({ url: path, headers: bearer(staff.token) });
      expect(res.statusCode, path).toBe(400);
      expect(res.json(), path).toEqual({ detail: expect.any(String), code: 'BAD_REQUEST' });
    }
  });

  it('refuses a JSON body that is not UTF-8 or nests too deeply, on both doors, before parsing it', async () => {
    const headers = { ...bearer(staff.token), 'content-type': 'application/json' };
    const latin1 = Buffer.concat([Buffer.from('{"name":"caf'), Buffer.from([0xe9]), Buffer.from('"}')]);
    const notUtf8 = await t.app.inject({ method: 'POST', url: '/api/categories', headers, payload: latin1 });
    expect(notUtf8.statusCode).toBe(400);
    expect(notUtf8.json()).toEqual({ detail: 'The body is not valid UTF-8.', code: 'PARSE_ERROR' });
    const deep = `{"name":"x","description":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    const rest = await t.app.inject({ method: 'POST', url: '/api/categories', headers, payload: deep });
    expect(rest.statusCode).toBe(400);
    expect(rest.json()).toEqual({ detail: 'The body nests deeper than 32 levels.', code: 'PARSE_ERROR' });
    // The tRPC door answers in its own envelope, which the SDK reads as a LecternError.
    const trpc = await t.app.inject({
      method: 'POST',
      url: '/trpc/categories.create',
      headers,
      payload: `{"json":${deep}}`,
    });
    expect(trpc.statusCode).toBe(400);
    expect(trpc.json().error.json.data).toMatchObject({ code: 'PARSE_ERROR', path: 'categories.create' });
    const client = createLecternClient({
      url,
      fetch: (input, init) => fetch(input, { ...init, body: init?.body ? `{"json":${deep}}` : init?.body }),
    });
    await client.auth.setTokens({ access: staff.token, refresh: 'unused' });
    const error = await client.categories.create.mutate({ name: 'x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LecternError);
    expect(error).toMatchObject({ code: 'PARSE_ERROR', status: 400 });
  });

  it('applies one text rule to every input: NUL and lone surrogates refused, other controls removed', async () => {
    const headers = bearer(staff.token);
    const nul = await t.app.inject({
      method: 'POST',
      url: '/api/categories',
      headers,
      payload: { name: 'a\u0000b' },
    });
    expect(nul.statusCode).toBe(400);
    expect(nul.json()).toEqual({ name: ['Null characters are not allowed.'] });
    const surrogate = await t.app.inject({
      method: 'POST',
      url: '/api/categories',
      headers: { ...headers, 'content-type': 'application/json' },
      payload: '{"name":"x\\ud800"}',
    });
    expect(surrogate.json()).toEqual({ name: ['Invalid text: an unpaired surrogate (not valid Unicode).'] });
    const query = await t.app.inject({ url: '/api/posts/?search=a%00b', headers });
    expect(query.json()).toEqual({ search: ['Null characters are not allowed.'] });
    // A path slug with NUL is an unknown slug.
    const slug = await t.app.inject({ url: '/api/posts/a%00b/', headers });
    expect(slug.statusCode).toBe(404);
    const controls = await t.app.inject({
      method: 'POST',
      url: '/api/categories',
      headers,
      payload: { name: 'Bell\u0007 and\u001b escape', description: 'tab\tand\nnew line\u007f' },
    });
    expect(controls.statusCode).toBe(201);
    expect(controls.json()).toMatchObject({ name: 'Bell and escape', description: 'tab\tand\nnew line' });
  });

  it('answers a malformed multipart body with 400 MALFORMED_MULTIPART and writes nothing', async () => {
    const headers = bearer(staff.token);
    const bodies: Array<[string, string]> = [
      ['multipart/form-data', 'no boundary at all'],
      [
        'multipart/form-data; boundary=abc',
        '--xyz\r\nContent-Disposition: form-data; name="title"\r\n\r\nx\r\n--xyz--\r\n',
      ],
      ['multipart/form-data; boundary=abc', '--abc\r\nContent-Disposition: form-data; name="title"\r\n\r\nx'],
    ];
    for (const [type, payload] of bodies) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/files/',
        headers: { ...headers, 'content-type': type },
        payload,
      });
      expect(res.statusCode, payload).toBe(400);
      expect(res.json().code, payload).toBe('MALFORMED_MULTIPART');
    }
    const files = await t.app.inject({ url: '/api/files/', headers });
    expect(files.json().count).toBe(0);
  });
});
