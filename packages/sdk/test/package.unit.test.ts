/**
 * @lectern/sdk as a published package, checked from outside the monorepo: build and `pnpm pack`, then a
 * fresh TypeScript project in a temporary folder installs the tarball and its declared peers from the
 * npm registry and compiles (strict tsc) a file that only type-checks while every procedure's input
 * and output is fully inferred.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { allProcedures } from '@lectern/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const sdkRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const repoRoot = path.resolve(sdkRoot, '../..');
/** npm's cache survives between runs (node_modules is ignored by git), so a rerun downloads nothing. */
const npmCache = path.join(repoRoot, 'node_modules/.cache/lectern-sdk-package-test/npm');
const typescriptVersion = (
  createRequire(path.join(sdkRoot, 'package.json'))('typescript/package.json') as { version: string }
).version;

interface PackedManifest {
  name: string;
  version: string;
  type?: string;
  exports?: unknown;
  types?: string;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

const CONSUMER_TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    // esnext.disposable: @trpc/server's own declarations name Disposable (skipLibCheck is off).
    lib: ['ES2023', 'ESNext.Disposable', 'DOM'],
    types: [],
    strict: true,
    noUncheckedIndexedAccess: true,
    exactOptionalPropertyTypes: true,
    // The SDK's own declarations are compiled too: an import the tarball cannot satisfy is an error.
    skipLibCheck: false,
    noEmit: true,
  },
  include: ['src'],
};

/** A check per procedure, written from the router's procedure list: new procedures are covered too. */
function procedureChecks(paths: string[]): string {
  const lines = [
    "import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';",
    "import type { AppRouter } from '@lectern/sdk';",
    '',
    'type IsAny<T> = 0 extends 1 & T ? true : false;',
    '/** true when T is `any` or `unknown`, or holds `any` anywhere inside. */',
    'type Degraded<T> = IsAny<T> extends true',
    '  ? true',
    '  : unknown extends T',
    '    ? true',
    '    : T extends Date | string | number | boolean | bigint | null | undefined | void',
    '      ? false',
    '      : T extends readonly (infer E)[]',
    '        ? Degraded<E>',
    '        : T extends object',
    '          ? true extends { [K in keyof T]-?: Degraded<T[K]> }[keyof T]',
    '            ? true',
    '            : false',
    '          : false;',
    'type Inferred<T extends false> = T;',
    'type Inputs = inferRouterInputs<AppRouter>;',
    'type Outputs = inferRouterOutputs<AppRouter>;',
    '',
    '// The check itself can fail:',
    '// @ts-expect-error any is degraded',
    'export type SelfTestAny = Inferred<Degraded<any>>;',
    '// @ts-expect-error a nested any is degraded',
    'export type SelfTestNested = Inferred<Degraded<{ a: { b: any[] } }>>;',
    '',
  ];
  paths.forEach((dotted, i) => {
    const access = dotted
      .split('.')
      .map((segment) => `[${JSON.stringify(segment)}]`)
      .join('');
    lines.push(`export type Input${i} = Inferred<Degraded<Inputs${access}>>; // ${dotted}`);
    lines.push(`export type Output${i} = Inferred<Degraded<Outputs${access}>>;`);
  });
  return `${lines.join('\n')}\n`;
}

/** Hand-written use of the client: each @ts-expect-error stops compiling if its type became `any`. */
const USAGE = `import { createTRPCClient, httpBatchLink, type TRPCClient } from '@trpc/client';
import {
  type AppRouter,
  createContentClient,
  createLecternClient,
  LecternError,
  type PostRevision,
  MemoryTokenStorage,
  type RouterInputs,
  type RouterOutputs,
  type TokenStorage,
} from '@lectern/sdk';

const storage: TokenStorage = new MemoryTokenStorage();
const client = createLecternClient({ url: 'http://localhost:8000', storage });

export async function system(): Promise<string> {
  const health = await client.system.health.query();
  const status: 'healthy' | 'unhealthy' = health.status;
  // @ts-expect-error the health answer has no such field
  health.no_such_field;
  // @ts-expect-error status is a string union, not a number
  const wrong: number = health.status;
  const settings = await client.system.settings.update.mutate({ maintenance: true });
  const open: boolean = settings.allow_registration;
  // @ts-expect-error maintenance is a boolean, not a string
  await client.system.settings.update.mutate({ maintenance: 'yes' });
  // @ts-expect-error no such procedure
  await client.system.noSuchProcedure.query();
  return \`\${status} \${open} \${wrong}\`;
}

export async function accounts(): Promise<number> {
  const registered = await client.users.register.mutate({
    email: 'ada@example.com',
    password: 'Quartz-Lantern-Ferry-41',
    username: 'ada',
  });
  // @ts-expect-error username is required
  await client.users.register.mutate({ email: 'ada@example.com', password: 'Quartz-Lantern-Ferry-41' });
  const login = await client.auth.login('ada@example.com', 'Quartz-Lantern-Ferry-41');
  const staff: boolean = login.user.is_staff;
  // @ts-expect-error the access token is a string
  const access: number = login.access;
  const me = await client.users.me.query();
  const joined: Date = me.date_joined;
  // @ts-expect-error no password hash leaves the server, not even in the types
  me.password_hash;
  await client.auth.logout();
  return registered.id + joined.getTime() + Number(staff) + access;
}

export async function content(): Promise<string[]> {
  const input: RouterInputs['posts']['create'] = { title: 'Hello', body: '<p>Hi</p>', tags: ['news'] };
  const post = await client.posts.create.mutate(input);
  // @ts-expect-error title is a string
  await client.posts.create.mutate({ title: 42 });
  const page: RouterOutputs['posts']['list'] = await client.posts.list.query({
    search: 'hello',
    page: 2,
    page_size: 50,
    is_published: true,
  });
  // @ts-expect-error page is a number on the typed door
  await client.posts.list.query({ page: '2' });
  // @ts-expect-error boolean filters take booleans
  await client.posts.list.query({ is_published: 'maybe' });
  // @ts-expect-error the old name of the trash list is gone
  await client.posts.trash.query({});
  await client.posts.listTrash.query({ page: 1 });
  await client.users.list.query({ is_staff: true, is_verified: false, page_size: 10 });
  const first = page.results[0];
  // @ts-expect-error list items carry no body
  first?.body;
  const count: number = page.count;
  const next: string | null = page.next;
  const published: Date | null = post.published_at;
  const categories = await client.categories.list.query();
  const names: string[] = categories.map((c) => c.name);
  // @ts-expect-error the author is an object
  const author: string = post.author;
  return [post.slug, String(count), String(next), String(published), author, ...names];
}

export async function publishing(): Promise<number> {
  const site = createContentClient({ url: 'http://localhost:8000', key: 'lk_example' });
  const page = await site.posts.list.query({ page_size: 5 });
  const when: Date | null = page.results[0]?.publish_at ?? null;
  // @ts-expect-error a content client cannot write
  await site.posts.create.mutate({ title: 'x' });
  // @ts-expect-error nor read users
  await site.users.me.query();
  const revision: PostRevision = await client.posts.revisions.get.query({ slug: 's', id: 1 });
  // @ts-expect-error revision ids are numbers on the typed door
  await client.posts.revisions.get.query({ slug: 's', id: true });
  const scheduled = await client.posts.create.mutate({ title: 'Later', publish_at: new Date() });
  // @ts-expect-error publish_at is a Date (or null) on the typed door
  await client.posts.create.mutate({ title: 'Later', publish_at: 42 });
  const created = await client.contentKeys.create.mutate({ name: 'Site' });
  const secret: string = created.key;
  const listed = await client.contentKeys.get.query({ id: created.id });
  // @ts-expect-error the key is shown only by create
  listed.key;
  return page.count + revision.id + (when?.getTime() ?? 0) + secret.length + Number(scheduled.publish_at);
}

export function describeError(error: unknown): string {
  const e = LecternError.from(error);
  const code: string = e.code;
  const status: number = e.status;
  const fields: Record<string, string[]> | null = e.fields;
  const retry: number | null = e.retryAfter;
  // @ts-expect-error status is a number
  const wrong: string = e.status;
  return \`\${code} \${status} \${JSON.stringify(fields)} \${retry} \${wrong}\`;
}

export function plainLinkWithoutTransformer(): void {
  // @ts-expect-error the router declares its transformer (superjson): a link without one does not compile
  createTRPCClient<AppRouter>({ links: [httpBatchLink({ url: 'http://localhost:8000/trpc' })] });
}

/** The AppRouter type also works with the plain tRPC client of the peer @trpc/client. */
export async function usePlainTrpc(trpc: TRPCClient<AppRouter>): Promise<boolean> {
  const settings = await trpc.system.settings.get.query();
  // @ts-expect-error settings.get takes no input object
  await trpc.system.settings.get.query({ maintenance: true });
  return settings.maintenance;
}
`;

/**
 * The README's TypeScript examples, one module each, so the documentation compiles against the package
 * it documents. An example that does not create its own `client` gets the one of "Quick start".
 */
function readmeExamples(readme: string): string[] {
  const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
  return blocks.map((code) =>
    /\bconst client\b/.test(code)
      ? code
      : `import { createLecternClient } from '@lectern/sdk';\nconst client = createLecternClient({ url: 'http://localhost:8000' });\n${code}`,
  );
}

async function tsc(project: string): Promise<{ ok: boolean; output: string }> {
  try {
    const { stdout } = await run(
      process.execPath,
      ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json'],
      {
        cwd: project,
      },
    );
    return { ok: true, output: stdout };
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string };
    return { ok: false, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

describe('@lectern/sdk as a published package', () => {
  let work: string;
  let tarball: string;
  let consumer: string;
  let manifest: PackedManifest;
  let examples: string[] = [];

  beforeAll(async () => {
    work = await mkdtemp(path.join(tmpdir(), 'lectern-sdk-pack-'));
    // `pnpm pack` runs the package's prepack script: the build.
    await run('pnpm', ['pack', '--pack-destination', work], { cwd: sdkRoot, maxBuffer: 16 * 1024 * 1024 });
    const file = (await readdir(work)).find((f) => f.endsWith('.tgz'));
    if (!file) throw new Error('pnpm pack wrote no tarball');
    tarball = path.join(work, file);
    const unpacked = path.join(work, 'unpacked');
    await mkdir(unpacked);
    await run('tar', ['-xzf', tarball, '-C', unpacked]);
    manifest = JSON.parse(
      await readFile(path.join(unpacked, 'package/package.json'), 'utf8'),
    ) as PackedManifest;

    consumer = path.join(work, 'consumer');
    await mkdir(path.join(consumer, 'src'), { recursive: true });
    await writeFile(
      path.join(consumer, 'package.json'),
      JSON.stringify({ name: 'lectern-sdk-consumer', private: true, type: 'module' }, null, 2),
    );
    const peers = Object.entries(manifest.peerDependencies ?? {}).map(([name, range]) => `${name}@${range}`);
    await run(
      'npm',
      [
        'install',
        '--no-audit',
        '--no-fund',
        '--ignore-scripts',
        '--prefer-offline',
        '--cache',
        npmCache,
        tarball,
        ...peers,
        `typescript@${typescriptVersion}`,
      ],
      { cwd: consumer, maxBuffer: 16 * 1024 * 1024 },
    );
    await writeFile(path.join(consumer, 'tsconfig.json'), JSON.stringify(CONSUMER_TSCONFIG, null, 2));
    await writeFile(
      path.join(consumer, 'src/procedures.ts'),
      procedureChecks(allProcedures().map(({ path: p }) => p)),
    );
    await writeFile(path.join(consumer, 'src/usage.ts'), USAGE);
    const readme = await readFile(path.join(unpacked, 'package/README.md'), 'utf8');
    examples = readmeExamples(readme);
    await mkdir(path.join(consumer, 'src/readme'));
    for (const [i, code] of examples.entries()) {
      await writeFile(path.join(consumer, `src/readme/example-${i + 1}.ts`), code);
    }
  }, 300_000);

  afterAll(async () => {
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('ships only dist and its manifest, versioned like the server, with no workspace package as a dependency', async () => {
    const listing = (await run('tar', ['-tzf', tarball])).stdout.split('\n').filter(Boolean).sort();
    expect(listing).toEqual(
      expect.arrayContaining(['package/dist/index.d.ts', 'package/dist/index.js', 'package/package.json']),
    );
    for (const entry of listing) expect(entry).toMatch(/^package\/(dist\/|package\.json$|README\.md$)/);

    const server = JSON.parse(await readFile(path.join(repoRoot, 'apps/server/package.json'), 'utf8'));
    expect(manifest.version).toBe(server.version);
    expect(manifest.type).toBe('module');
    expect(manifest.exports).toEqual({
      '.': { types: './dist/index.d.ts', default: './dist/index.js' },
      './package.json': './package.json',
    });
    const runtime = {
      ...manifest.dependencies,
      ...manifest.peerDependencies,
      ...manifest.optionalDependencies,
    };
    expect(Object.keys(runtime).filter((name) => name.startsWith('@lectern/'))).toEqual([]);
    expect(Object.keys(manifest.peerDependencies ?? {}).sort()).toEqual(['@trpc/client', '@trpc/server']);
  });

  it('has declarations that name nothing from the server (no @lectern/*, Kysely, zod or Fastify)', async () => {
    const types = await readFile(path.join(consumer, 'node_modules/@lectern/sdk/dist/index.d.ts'), 'utf8');
    const js = await readFile(path.join(consumer, 'node_modules/@lectern/sdk/dist/index.js'), 'utf8');
    for (const code of [types, js]) {
      const specifiers = [...code.matchAll(/(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)].map((m) => m[1]);
      for (const spec of specifiers)
        expect(spec).toMatch(/^(@trpc\/client|@trpc\/server|superjson|eventsource)(\/|$)/);
    }
    expect(types).not.toMatch(/\bKysely\b|@lectern\/(api|db)|['"]zod['"]|fastify/i);
  });

  it('passes @arethetypeswrong/cli (ESM-only profile) on the packed tarball', async () => {
    const attw = path.join(sdkRoot, 'node_modules/.bin/attw');
    // Exits non-zero on any problem the profile counts (CommonJS `require` is out of scope: ESM only).
    await run(attw, [tarball, '--profile', 'esm-only', '--no-color']);
    const { stdout } = await run(attw, [tarball, '--format', 'json']).catch((e: { stdout: string }) => e);
    const report = JSON.parse(stdout) as { analysis: { problems: Array<{ resolutionKind?: string }> } };
    const esmProblems = report.analysis.problems.filter((p) => p.resolutionKind !== 'node16-cjs');
    expect(esmProblems).toEqual([]);
  }, 120_000);

  it('ships a README whose TypeScript examples cover every area', () => {
    const all = examples.join('\n');
    for (const area of ['system', 'users', 'posts', 'categories', 'files', 'contentKeys', 'auth']) {
      expect(all).toContain(`client.${area}.`);
    }
    expect(all).toContain('createContentClient(');
    for (const helper of [
      'createPostWithThumbnail',
      'updatePostThumbnail',
      'uploadProfilePicture',
      'uploadFile',
    ]) {
      expect(all).toContain(`client.${helper}(`);
    }
    expect(all).toContain('LecternError.from(');
  });

  it('compiles a strict consumer with every procedure input and output inferred, and the README examples', async () => {
    const result = await tsc(consumer);
    expect(result.output).toBe('');
    expect(result.ok).toBe(true);
  }, 120_000);

  it('loads in Node from the tarball with only its declared dependencies', async () => {
    const { stdout } = await run(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        "const sdk = await import('@lectern/sdk'); const c = sdk.createLecternClient({ url: 'http://127.0.0.1:9' }); console.log(typeof c.users.login.mutate, typeof c.auth.login, new sdk.LecternError({ message: 'x', code: 'NOT_FOUND', status: 404 }).status);",
      ],
      { cwd: consumer },
    );
    expect(stdout.trim()).toBe('function function 404');
  });

  it('fails to compile the same consumer when the router type degrades to any (control)', async () => {
    const declarations = path.join(consumer, 'node_modules/@lectern/sdk/dist/index.d.ts');
    const original = await readFile(declarations, 'utf8');
    const degraded = original.replace(/type AppRouter = [^;]+;/, 'type AppRouter = any;');
    expect(degraded).not.toBe(original);
    await writeFile(declarations, degraded);
    try {
      const result = await tsc(consumer);
      expect(result.ok).toBe(false);
      expect(result.output).toContain('src/procedures.ts');
      expect(result.output).toContain('src/usage.ts');
      expect(result.output).toMatch(/Unused '@ts-expect-error' directive|does not satisfy the constraint/);
    } finally {
      await writeFile(declarations, original);
    }
  }, 120_000);
});
