/**
 * A storage that keeps only the refresh token across a restart (the access token in memory, so after a
 * reload it reads `access: ''`): the client refreshes before its first call instead of sending no token
 * and failing with NOT_AUTHENTICATED. The server is a scripted fetch speaking tRPC's wire format.
 */
import { describe, expect, it } from 'vitest';
import { createLecternClient, type TokenStorage, type Tokens } from '../src/index.ts';

function fakeServer() {
  const calls: Array<{ path: string; authorization: string | null }> = [];
  let issued = 0;
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    const path = url.pathname.replace('/trpc/', '');
    const authorization = request.headers.get('authorization');
    calls.push({ path, authorization });
    const json = (body: unknown) =>
      new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
    if (path === 'users.refreshToken') {
      const sent = (await request.json()) as { json: { refresh: string } };
      expect(sent.json.refresh).toBe(issued === 0 ? 'R1' : `R${issued + 1}`);
      issued++;
      return json({ result: { data: { json: { access: `A${issued + 1}`, refresh: `R${issued + 1}` } } } });
    }
    const batch = path.split(',');
    if (batch.every((p) => p === 'system.settings.get')) {
      if (!authorization) {
        return new Response(
          JSON.stringify([
            {
              error: {
                json: {
                  message: 'Authentication credentials were not provided.',
                  code: -32001,
                  data: { code: 'NOT_AUTHENTICATED', httpStatus: 401 },
                },
              },
            },
          ]),
          { status: 401, headers: { 'content-type': 'application/json' } },
        );
      }
      return json(
        batch.map(() => ({ result: { data: { json: { maintenance: false, allow_registration: true } } } })),
      );
    }
    throw new Error(`unexpected call ${path}`);
  };
  return { fetch, calls, refreshes: () => issued };
}

/** Refresh token "persisted", access token only in memory: as after a page reload. */
class RefreshOnlyStorage implements TokenStorage {
  access = '';
  constructor(public refresh: string | null) {}
  get(): Tokens | null {
    return this.refresh ? { access: this.access, refresh: this.refresh } : null;
  }
  set(tokens: Tokens) {
    this.access = tokens.access;
    this.refresh = tokens.refresh;
  }
  clear() {
    this.access = '';
    this.refresh = null;
  }
}

describe('a session restored from a stored refresh token', () => {
  it('refreshes once before the first calls, then sends the new access token', async () => {
    const server = fakeServer();
    const storage = new RefreshOnlyStorage('R1');
    const client = createLecternClient({ url: 'http://cms.test', storage, fetch: server.fetch });
    const [a, b] = await Promise.all([
      client.system.settings.get.query(),
      client.system.settings.get.query(),
    ]);
    expect(a).toEqual({ maintenance: false, allow_registration: true });
    expect(b).toEqual(a);
    expect(server.refreshes()).toBe(1);
    expect(storage.get()).toEqual({ access: 'A2', refresh: 'R2' });
    await client.system.settings.get.query();
    expect(server.refreshes()).toBe(1);
    const settingsCalls = server.calls.filter((c) => c.path.startsWith('system.settings.get'));
    expect(settingsCalls.length).toBeGreaterThanOrEqual(2);
    expect(settingsCalls.every((c) => c.authorization === 'Bearer A2')).toBe(true);
  });

  it('sends no token and refreshes nothing when there is no session', async () => {
    const server = fakeServer();
    const client = createLecternClient({
      url: 'http://cms.test',
      storage: new RefreshOnlyStorage(null),
      fetch: server.fetch,
    });
    await expect(client.system.settings.get.query()).rejects.toMatchObject({ code: 'NOT_AUTHENTICATED' });
    expect(server.refreshes()).toBe(0);
  });
});
