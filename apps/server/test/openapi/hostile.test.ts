/**
 * Hostile input, generated from the committed OpenAPI document: for every operation and every path
 * parameter, query parameter and body field, strings with NUL and control characters, huge strings,
 * wrong types, deep nesting, unicode edge cases; whole bodies that are malformed JSON, invalid UTF-8,
 * of the wrong media type or malformed multipart; percent-encoding errors in paths and queries; each
 * protected operation with and without a token. New operations are covered by construction.
 *
 * Oracles: never a 5xx; every error body is the contract's (a field map, `{detail, code}` with a known
 * machine code, or the maintenance body); no stack trace, SQL, hash or file path in any body; a refused
 * request writes nothing (no row, no file); `/health-check/` still answers 200 afterwards.
 *
 * A fixed seed keeps the run the same every time; `pnpm fuzz` runs more rounds of random strings
 * (LECTERN_FUZZ_ROUNDS, LECTERN_FUZZ_SEED).
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { MACHINE_CODES } from '@lectern/api';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPENAPI_FILE } from '../../src/cli/openapi.ts';
import { bearer, createTestApp, insertUser, type TestApp } from '../helpers.ts';

type Json = Record<string, unknown>;
interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  schema?: Json;
}
interface Operation {
  security?: unknown[];
  responses?: Record<string, { content?: Record<string, unknown> }>;
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: Json & { properties?: Record<string, Json> } }> };
}
type Document = { paths: Record<string, Record<string, Operation>> };

interface Probe {
  method: string;
  url: string;
  headers: Record<string, string>;
  payload?: string | Buffer;
  /** What the probe is, for failure messages. */
  what: string;
}

const ROUNDS = Number(process.env.LECTERN_FUZZ_ROUNDS ?? 1);
const SEED = Number(process.env.LECTERN_FUZZ_SEED ?? 20261202);

/** mulberry32: a small seeded PRNG, so every run sends the same requests. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function nested(depth: number): unknown {
  let value: unknown = 'deep';
  for (let i = 0; i < depth; i++) value = i % 2 ? [value] : { x: value };
  return value;
}

/** Strings that have broken servers: NUL, controls, bidi, surrogates (via JSON escapes), huge ones. */
function hostileStrings(random: () => number): string[] {
  const fixed = [
    'a\u0000b',
    '\u0000',
    'tab\tbell\u0007esc\u001bdel\u007f',
    '\u202egnp.exe',
    'e\u0301\u0301\u0301 👩‍👩‍👧‍👦 𝕳𝖊𝖑𝖑𝖔 ﷽',
    "'; DROP TABLE posts; --",
    '<script>alert(1)</script>',
    '../../../../etc/passwd',
    '%00%zz%E2%82',
    'x'.repeat(300),
    'y'.repeat(120_000),
    ' ',
    '',
  ];
  const extra: string[] = [];
  for (let round = 1; round < ROUNDS; round++) {
    const length = Math.floor(random() * 64);
    let text = '';
    for (let i = 0; i < length; i++) {
      const pick = random();
      text += String.fromCodePoint(
        pick < 0.2
          ? Math.floor(random() * 0x20)
          : pick < 0.9
            ? 0x20 + Math.floor(random() * 0x5f)
            : Math.floor(random() * 0x10ffff) % 0xd7ff,
      );
    }
    extra.push(text);
  }
  return [...fixed, ...extra];
}

/** Values of the wrong type for a field (and booleans only where the field is not one). */
const wrongTypes = (schema: Json): unknown[] => {
  const values: unknown[] = [12345, -1, 1.5, 1e308, { a: 1 }, ['a'], null];
  if (schema.type !== 'boolean') values.push(true);
  if (schema.type !== 'string') values.push('text');
  return values;
};

/** Raw JSON texts that JSON.stringify cannot produce. */
const RAW_BODIES: Array<[string, string | Buffer]> = [
  ['malformed JSON', '{"a": '],
  ['an array', '[1,2,3]'],
  ['a scalar', '"just a string"'],
  ['null', 'null'],
  ['a lone surrogate', '{"title": "\\ud800", "name": "\\udc00", "email": "\\ud800@x.y"}'],
  [
    'invalid UTF-8',
    Buffer.concat([Buffer.from('{"title": "'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('"}')]),
  ],
  ['deep nesting', `{"title": ${'['.repeat(50_000)}${']'.repeat(50_000)}}`],
  ['a huge key', `{"${'k'.repeat(50_000)}": 1}`],
  ['duplicate keys', '{"title": "a", "title": "\\u0000"}'],
];

function multipart(
  parts: Array<{ name: string; value: string; filename?: string; type?: string }>,
  boundary: string,
) {
  const body = parts
    .map(
      (p) =>
        `--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"${p.filename ? `; filename="${p.filename}"` : ''}\r\n${p.type ? `Content-Type: ${p.type}\r\n` : ''}\r\n${p.value}\r\n`,
    )
    .join('');
  return `${body}--${boundary}--\r\n`;
}

interface Fixtures {
  token: string;
  paths: Record<string, string>;
}

/** Every probe for one operation. */
function probesFor(
  docPath: string,
  method: string,
  op: Operation,
  fx: Fixtures,
  random: () => number,
): Probe[] {
  const probes: Probe[] = [];
  const params = op.parameters ?? [];
  const auth = op.security?.length ? bearer(fx.token) : {};
  const fill = (overrides: Record<string, string> = {}) =>
    docPath.replace(
      /\{(\w+)\}/g,
      (_, name: string) => overrides[name] ?? encodeURIComponent(fx.paths[name] ?? 'x'),
    );
  const strings = hostileStrings(random);
  const M = method.toUpperCase();
  const add = (what: string, url: string, extra: Partial<Probe> = {}) =>
    probes.push({
      method: M,
      url,
      headers: { ...auth, ...(extra.headers ?? {}) },
      payload: extra.payload,
      what,
    });

  if (op.security?.length) probes.push({ method: M, url: fill(), headers: {}, what: 'no token' });
  if (op.responses?.['200']?.content?.['text/event-stream']) {
    // A stream that opens does not end: probe it only with what must be refused before it starts.
    for (const p of params.filter((x) => x.in === 'header')) {
      const pattern = new RegExp(String(p.schema?.pattern ?? '^$'));
      for (const value of ['abc', '-1', '1e3', '0x10', '99999999999999999999', '1 2', '%00', '\\x']) {
        if (!pattern.test(value)) add(`header ${p.name}=${value}`, fill(), { headers: { [p.name]: value } });
      }
    }
    return probes;
  }
  add('trailing slash', `${fill()}/`);

  for (const p of params.filter((x) => x.in === 'path')) {
    for (const raw of [
      'a%00b',
      '%E2%82',
      '%zz',
      '%',
      'é'.repeat(3_000),
      '..%2F..%2Fetc',
      '%F0%9F%92%A9',
      '%ED%A0%80',
    ]) {
      add(`path ${p.name}=${raw.slice(0, 20)}`, fill({ [p.name]: raw }));
    }
  }
  for (const p of params.filter((x) => x.in === 'query')) {
    const values = [
      ...strings.map(encodeURIComponent),
      '%zz',
      '%E2%82',
      '-1',
      '0',
      '99999999999999999999',
      'true&x=1',
    ];
    for (const value of values) add(`query ${p.name}=${value.slice(0, 20)}`, `${fill()}?${p.name}=${value}`);
    add(`query ${p.name} repeated`, `${fill()}?${p.name}=a&${p.name}=b`);
  }

  const content = op.requestBody?.content ?? {};
  const jsonSchema = content['application/json']?.schema;
  if (jsonSchema) {
    const json = (what: string, body: unknown) =>
      add(what, fill(), { payload: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
    for (const [field, schema] of Object.entries(jsonSchema.properties ?? {})) {
      for (const value of strings)
        json(`json ${field}=${JSON.stringify(value).slice(0, 20)}`, { [field]: value });
      for (const value of wrongTypes(schema))
        json(`json ${field} wrong type ${JSON.stringify(value)}`, { [field]: value });
      json(`json ${field} nested`, { [field]: nested(40) });
    }
    for (const [what, body] of RAW_BODIES)
      add(`body: ${what}`, fill(), { payload: body, headers: { 'content-type': 'application/json' } });
    add('body: text/plain', fill(), { payload: 'title=x', headers: { 'content-type': 'text/plain' } });
    add('body: xml', fill(), { payload: '<a/>', headers: { 'content-type': 'application/xml' } });
    add('body: no content-type', fill(), { payload: '{"title":"x"}' });
    add('body: json with charset', fill(), {
      payload: '{"title":"\\u0000"}',
      headers: { 'content-type': 'application/json; charset=latin1' },
    });
  }
  const form = content['multipart/form-data']?.schema;
  if (form) {
    const boundary = 'fuzzboundary';
    const type = { 'content-type': `multipart/form-data; boundary=${boundary}` };
    const fields = Object.entries(form.properties ?? {}).filter(([, s]) => s.format !== 'binary');
    const files = Object.entries(form.properties ?? {}).filter(([, s]) => s.format === 'binary');
    for (const [field] of fields) {
      for (const value of strings.slice(0, 10)) {
        add(`multipart ${field}=${JSON.stringify(value).slice(0, 20)}`, fill(), {
          payload: multipart([{ name: field, value }], boundary),
          headers: type,
        });
      }
    }
    for (const [field] of files) {
      const bad = [
        { value: '<svg xmlns="http://www.w3.org/2000/svg"/>', filename: 'x.png', type: 'image/png' },
        { value: '<html><script>alert(1)</script></html>', filename: 'x.html' },
        { value: 'MZ\u0090\u0000\u0003', filename: 'x.exe' },
        { value: '', filename: 'empty.png' },
        { value: 'GIF89a', filename: 'a\u0000b.gif' },
        { value: 'plain', filename: '../../../../etc/passwd' },
      ];
      for (const f of bad) {
        add(`multipart file ${field} ${f.filename}`, fill(), {
          payload: multipart([{ name: field, ...f }], boundary),
          headers: type,
        });
      }
    }
    add('multipart: no boundary', fill(), {
      payload: 'garbage',
      headers: { 'content-type': 'multipart/form-data' },
    });
    add('multipart: wrong boundary', fill(), {
      payload: multipart([{ name: 'title', value: 'x' }], 'other'),
      headers: type,
    });
    add('multipart: cut short', fill(), {
      payload: multipart([{ name: 'title', value: 'x' }], boundary).slice(0, -12),
      headers: type,
    });
    add('multipart: bad part header', fill(), {
      payload: `--${boundary}\r\nContent-Disposition: nonsense\r\n\r\nx\r\n--${boundary}--\r\n`,
      headers: type,
    });
    add('multipart: unknown file field', fill(), {
      payload: multipart([{ name: 'surprise', value: 'x', filename: 'x.txt' }], boundary),
      headers: type,
    });
  }
  return probes;
}

const LEAKS = [
  /\bat [\w$.<>]+ \(/, // a stack frame
  /node_modules|\/work\/|\/tmp\/|\/home\//,
  /\b(select|insert|update|delete)\b[^"]{0,80}\b(from|into|set|where)\b/i,
  /\$argon2|password_hash|code_hash|token_hash/,
  /\bat Object\.|TypeError|RangeError|ReferenceError/,
];

function isContractError(body: unknown): boolean {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return false;
  const b = body as Json;
  if (typeof b.detail === 'string' && typeof b.code === 'string') return Object.hasOwn(MACHINE_CODES, b.code);
  if (b.key === 'MAINTENANCE_MODE' && b.CODE === 'MAT503') return true;
  const entries = Object.values(b);
  return (
    entries.length > 0 && entries.every((v) => Array.isArray(v) && v.every((m) => typeof m === 'string'))
  );
}

describe('hostile input generated from the OpenAPI document', () => {
  let t: TestApp;
  let fixtures: Fixtures;
  let staff: { id: number; token: string };

  const counts = async () => {
    const row = await sql<Record<string, number>>`
      select (select count(*)::int from users) as users, (select count(*)::int from posts) as posts,
             (select count(*)::int from categories) as categories, (select count(*)::int from files) as files,
             (select count(*)::int from post_categories) as links`.execute(t.testDb.db);
    return row.rows[0];
  };
  const mediaFiles = async (): Promise<number> => {
    const walk = async (dir: string): Promise<number> => {
      const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
      let n = 0;
      for (const e of entries) n += e.isDirectory() ? await walk(path.join(dir, e.name)) : 1;
      return n;
    };
    return walk(t.env.MEDIA_ROOT);
  };

  /** Fresh things for the path parameters to name (a refused probe must not need them, a passing one may use them up). */
  const freshFixtures = async (): Promise<Fixtures> => {
    const author = await insertUser(t.testDb, {});
    const post = await t.app.inject({
      method: 'POST',
      url: '/api/posts/',
      headers: bearer(staff.token),
      payload: { title: 'Fuzz target', body: '<p>x</p>', is_published: true },
    });
    const category = await t.app.inject({
      method: 'POST',
      url: '/api/categories/',
      headers: bearer(staff.token),
      payload: { name: `Fuzz ${author.slug}` },
    });
    return {
      token: staff.token,
      paths: {
        slug: post.json().slug,
        id: '1',
        ...{ userSlug: author.slug, categorySlug: category.json().slug },
      },
    };
  };

  beforeAll(async () => {
    t = await createTestApp({
      RATE_LIMIT_ENABLED: 'false',
      ALLOW_REGISTRATION: 'true',
      PASSWORD_HASH_PROFILE: 'fast',
    });
    staff = await insertUser(t.testDb, { is_staff: true, is_superuser: true });
    fixtures = await freshFixtures();
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  });

  it('answers every probe in the contract, leaks nothing, and writes nothing for a refused request', async () => {
    const doc = JSON.parse(await readFile(OPENAPI_FILE, 'utf8')) as Document;
    const random = prng(SEED);
    const problems: string[] = [];
    let sent = 0;
    for (const [docPath, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        const fx = { ...fixtures, paths: { ...fixtures.paths } };
        // `{slug}` names a post under /posts, a user under /users, a category under /categories.
        if (docPath.startsWith('/api/users/')) fx.paths.slug = fixtures.paths.userSlug ?? '';
        if (docPath.startsWith('/api/categories/')) fx.paths.slug = fixtures.paths.categorySlug ?? '';
        for (const probe of probesFor(docPath, method, op, fx, random)) {
          const before = await counts();
          const filesBefore = await mediaFiles();
          const res = await t.app.inject({
            method: probe.method as 'GET',
            url: probe.url,
            headers: probe.headers,
            ...(probe.payload !== undefined ? { payload: probe.payload } : {}),
          });
          sent++;
          const where = `${probe.method} ${docPath} [${probe.what}] → ${res.statusCode}`;
          if (res.statusCode >= 500) problems.push(`${where}: ${res.body.slice(0, 300)}`);
          if (res.statusCode >= 400) {
            let body: unknown;
            try {
              body = JSON.parse(res.body);
            } catch {
              body = undefined;
            }
            if (!isContractError(body))
              problems.push(`${where}: not a contract error body: ${res.body.slice(0, 200)}`);
            const after = await counts();
            if (JSON.stringify(after) !== JSON.stringify(before)) {
              problems.push(`${where}: rows changed ${JSON.stringify(before)} → ${JSON.stringify(after)}`);
            }
            if ((await mediaFiles()) !== filesBefore) problems.push(`${where}: files on disk changed`);
          }
          for (const leak of LEAKS)
            if (leak.test(res.body)) problems.push(`${where}: leaks ${leak}: ${res.body.slice(0, 200)}`);
          if (res.statusCode < 300 && ['delete', 'patch', 'put'].includes(method))
            fixtures = await freshFixtures();
        }
        // A probe that turned maintenance on (it may: PATCH settings is an operation like any other).
        await t.services.settings.update({ maintenance: false });
      }
    }
    expect(problems.slice(0, 40)).toEqual([]);
    expect(sent).toBeGreaterThan(1500);
    const health = await t.app.inject({ url: '/health-check/' });
    expect(health.statusCode).toBe(200);
  }, 600_000);
});
