import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { createLecternClient, LecternError } from '@lectern/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AccountsApp, accountsApp, registeredUser } from '../accounts-helpers.ts';
import { insertUser } from '../helpers.ts';

/** A real 1×1 PNG. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);
/** A real 1×1 GIF. */
const GIF = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

async function filesUnder(root: string): Promise<string[]> {
  try {
    const entries = await readdir(root, { recursive: true, withFileTypes: true });
    return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
  } catch {
    return [];
  }
}

function form(fields: Record<string, string | Blob>, filename = 'picture.png'): FormData {
  const f = new FormData();
  for (const [name, value] of Object.entries(fields)) {
    if (typeof value === 'string') f.append(name, value);
    else f.append(name, value, filename);
  }
  return f;
}

describe('profile pictures: multipart on PUT/PATCH /api/users/{slug}/, stored by content, no orphans', () => {
  let a: AccountsApp;

  beforeAll(async () => {
    a = await accountsApp({ UPLOAD_MAX_BYTES: '4096' });
  });
  afterAll(async () => {
    await a.closeAll();
  });

  it('sets, replaces and removes a picture; old files are deleted; served under /media/', async () => {
    const user = await registeredUser(a);
    const set = await a.call('PATCH', `/api/users/${user.slug}/`, {
      token: user.access,
      form: form({ profile_pic: new Blob([PNG]), bio: 'Multipart bio', is_staff: 'false' }),
    });
    expect(set.status, set.raw).toBe(200);
    const url = String(set.json.profile_pic);
    expect(url).toMatch(new RegExp(`^${a.url}/media/${user.slug}/profile-[0-9a-f-]{36}\\.png$`));
    expect(set.json.bio).toBe('Multipart bio');
    const served = await fetch(url);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('image/png');
    expect(served.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.from(await served.arrayBuffer())).toEqual(PNG);
    expect(await filesUnder(a.env.MEDIA_ROOT)).toHaveLength(1);

    // A GIF named .png is accepted by its bytes and stored as .gif; the PNG is gone.
    const replaced = await a.call('PUT', `/api/users/${user.slug}`, {
      token: user.access,
      form: form({ profile_pic: new Blob([GIF]) }, 'not-really.png'),
    });
    expect(replaced.status, replaced.raw).toBe(200);
    expect(String(replaced.json.profile_pic)).toMatch(/\.gif$/);
    expect((await fetch(url)).status).toBe(404);
    const files = await filesUnder(a.env.MEDIA_ROOT);
    expect(files.map((f) => path.basename(f))).toEqual([path.basename(String(replaced.json.profile_pic))]);
    expect((await fetch(String(replaced.json.profile_pic))).headers.get('content-type')).toBe('image/gif');

    // A JSON PUT of the GET body keeps the picture (the URL string is ignored).
    const me = await a.call('GET', '/api/users/me/', { token: user.access });
    const putBack = await a.call('PUT', `/api/users/${user.slug}/`, { token: user.access, body: me.json });
    expect(putBack.json.profile_pic).toBe(replaced.json.profile_pic);

    const removed = await a.call('PATCH', `/api/users/${user.slug}/`, {
      token: user.access,
      form: form({ profile_pic: '' }),
    });
    expect(removed.status).toBe(200);
    expect(removed.json.profile_pic).toBeNull();
    expect(await filesUnder(a.env.MEDIA_ROOT)).toEqual([]);
  });

  it('refuses oversize (413), non-images (415), others (403), bad fields (400) — leaving no file', async () => {
    const user = await registeredUser(a);
    const other = await insertUser(a.testDb);
    const before = await filesUnder(a.env.MEDIA_ROOT);

    const big = Buffer.concat([PNG, Buffer.alloc(8192, 1)]);
    const tooLarge = await a.call('PATCH', `/api/users/${user.slug}/`, {
      token: user.access,
      form: form({ profile_pic: new Blob([big]) }),
    });
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.json).toEqual({ detail: expect.any(String), code: 'PAYLOAD_TOO_LARGE' });

    const text = await a.call('PATCH', `/api/users/${user.slug}/`, {
      token: user.access,
      form: form({ profile_pic: new Blob(['just some text, honestly']) }, 'evil.png'),
    });
    expect(text.status).toBe(415);
    expect(text.json).toEqual({ detail: expect.any(String), code: 'UNSUPPORTED_MEDIA_TYPE' });

    const foreign = await a.call('PATCH', `/api/users/${user.slug}/`, {
      token: other.token,
      form: form({ profile_pic: new Blob([PNG]) }),
    });
    expect(foreign.status).toBe(403);

    const anon = await a.call('PATCH', `/api/users/${user.slug}/`, {
      form: form({ profile_pic: new Blob([PNG]) }),
    });
    expect(anon.status).toBe(401);
    expect(anon.json.code).toBe('NOT_AUTHENTICATED');

    const flags = await a.call('PATCH', `/api/users/${user.slug}/`, {
      token: user.access,
      form: form({ profile_pic: new Blob([PNG]), is_staff: 'on' }),
    });
    expect(flags.status).toBe(403);

    const badBool = await a.call('PATCH', `/api/users/${user.slug}/`, {
      token: user.access,
      form: form({ profile_pic: new Blob([PNG]), is_verified: 'maybe', username: 'x' }),
    });
    expect(badBool.status).toBe(400);
    expect(Object.keys(badBool.json).sort()).toEqual(['is_verified', 'username']);

    const missing = await a.call('PATCH', '/api/users/nobody-12345678/', {
      token: user.access,
      form: form({ profile_pic: new Blob([PNG]) }),
    });
    expect(missing.status).toBe(404);

    expect(await filesUnder(a.env.MEDIA_ROOT)).toEqual(before);
    const me = await a.call('GET', '/api/users/me/', { token: user.access });
    expect(me.json.profile_pic).toBeNull();
  });

  it('uploads through the SDK helper, returning the profile with Dates; errors as LecternError', async () => {
    const user = await registeredUser(a);
    const client = createLecternClient({ url: a.url });
    await client.auth.login(user.email, user.password);
    const profile = await client.uploadProfilePicture(user.slug, new Blob([PNG]), 'me.png');
    expect(profile.profile_pic).toMatch(/\.png$/);
    expect(profile.updated_at).toBeInstanceOf(Date);
    expect(profile.date_joined).toBeInstanceOf(Date);
    const viaTrpc = await client.users.me.query();
    expect(viaTrpc).toEqual(profile);

    const refused = await client
      .uploadProfilePicture(user.slug, new Blob(['plain text']), 'x.png')
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(LecternError);
    expect(refused).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE', status: 415 });

    // An access token gone bad: the helper refreshes once and retries.
    const tokens = await client.auth.tokens();
    await client.auth.setTokens({ access: 'bad.token.here', refresh: tokens?.refresh ?? '' });
    const again = await client.uploadProfilePicture(user.slug, new Blob([GIF]));
    expect(again.profile_pic).toMatch(/\.gif$/);
  });

  it('documents the multipart routes in /api/openapi.json with both media types', async () => {
    type Op = { requestBody?: { content: Record<string, unknown> }; responses?: object };
    const doc = (await a.call('GET', '/api/openapi.json')).json as {
      paths: Record<string, Record<string, Op>>;
    };
    // Paths as the document spells them, compared without an `/api` prefix or a trailing slash.
    const paths = new Map(
      Object.entries(doc.paths).map(([p, item]) => [p.replace(/^\/api/, '').replace(/\/$/, ''), item]),
    );
    const profile = paths.get('/users/{slug}') ?? {};
    for (const method of ['put', 'patch']) {
      const op = profile[method];
      expect(Object.keys(op?.requestBody?.content ?? {}).sort()).toEqual([
        'application/json',
        'multipart/form-data',
      ]);
      expect(Object.keys(op?.responses ?? {})).toEqual(
        expect.arrayContaining(['200', '400', '401', '403', '404', '413', '415']),
      );
    }
    expect(Object.keys(profile).sort()).toEqual(['delete', 'get', 'patch', 'put']);
    expect([...paths.keys()]).toEqual(
      expect.arrayContaining(
        [
          'register',
          'verify-otp',
          'resend-otp',
          'login',
          'token/refresh',
          'logout',
          'forget-password',
          'reset-password',
          'me',
        ].map((p) => `/users/${p}`),
      ),
    );
    expect(paths.has('/users')).toBe(true);
  });
});
