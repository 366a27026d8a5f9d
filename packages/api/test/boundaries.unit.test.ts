/**
 * The import boundaries of packages/api are enforced by Biome (biome.json: noRestrictedImports per
 * folder, noImportCycles). These probes write a file that breaks one rule into the source tree, lint
 * it alone, and expect the lint to fail with that rule — so a loosened configuration fails here.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const repo = path.resolve(import.meta.dirname, '../../..');
const src = path.join(repo, 'packages/api/src');
const biome = path.join(repo, 'node_modules/.bin/biome');
const written: string[] = [];

/**
 * Writes probe files under packages/api/src (`ID` in a path or text becomes a fresh id; a folder named
 * `probe-feature-…` is a scratch feature) and lints them together: the lint's output, or '' when clean.
 */
async function lint(files: Array<[string, string]>): Promise<{ output: string; paths: string[] }> {
  const id = randomUUID().slice(0, 8);
  const paths: string[] = [];
  for (const [template, text] of files) {
    const relative = template.replaceAll('ID', id);
    const file = path.join(src, relative);
    const folder = relative.split('/')[0] ?? '';
    if (folder.startsWith('probe-feature-')) {
      await mkdir(path.join(src, folder), { recursive: true });
      written.push(path.join(src, folder));
    }
    written.push(file);
    paths.push(`packages/api/src/${relative}`);
    await writeFile(file, text.replaceAll('ID', id));
  }
  const output = await run(biome, ['lint', '--max-diagnostics=200', ...paths], { cwd: repo }).then(
    () => '',
    (error: { stdout: string; stderr: string }) => `${error.stdout}${error.stderr}`,
  );
  return { output, paths };
}

afterEach(async () => {
  await Promise.all(written.splice(0).map((file) => rm(file, { force: true, recursive: true })));
});

const probe = (line: string) => `${line}\nexport const used = [${line.match(/\{ (\w+) \}/)?.[1]}];\n`;
const reported = (output: string, file: string, rule: string) =>
  new RegExp(`${file.replaceAll('.', '\\.')}:\\d+:\\d+ lint/${rule}`).test(output);

const REFUSED: Array<[string, string, string]> = [
  ['shared/ importing a feature', 'shared/probe-ID.ts', "import { postsRouter } from '../posts/index.ts';"],
  ['the kernel importing a feature', 'probe-ID.ts', "import { usersRouter } from './users/router.ts';"],
  [
    'a service importing a procedure',
    'posts/probe-ID.ts',
    "import { getPostProcedure } from './procedures/get.ts';",
  ],
  [
    'a feature reaching into another feature',
    'files/probe-ID.ts',
    "import { listPosts } from '../posts/queries.ts';",
  ],
  [
    'a procedure reaching into another feature',
    'posts/procedures/probe-ID.ts',
    "import { toProfile } from '../../users/service.ts';",
  ],
  ['a feature importing the assembly', 'categories/probe-ID.ts', "import { appRouter } from '../router.ts';"],
  [
    'queries.ts importing its service',
    'probe-feature-ID-a/queries.ts',
    "import { createPost } from './service.ts';",
  ],
  [
    'schemas.ts importing its queries',
    'probe-feature-ID-b/schemas.ts',
    "import { listPosts } from './queries.ts';",
  ],
  [
    'schemas.ts importing the kernel',
    'probe-feature-ID-c/schemas.ts',
    "import { fail } from '../errors.ts';",
  ],
];

describe('import boundaries of packages/api', () => {
  it('refuses every import the layering forbids', async () => {
    const cases = REFUSED;
    const { output, paths } = await lint(cases.map(([, where, line]) => [where, probe(line)]));
    cases.forEach(([name], i) => {
      expect(reported(output, paths[i] ?? '', 'style/noRestrictedImports'), name).toBe(true);
    });
  });

  it('accepts what the layering allows', async () => {
    const { output } = await lint([
      [
        'posts/probe-ID.ts',
        "import { fail } from '../errors.ts';\nimport { slugBase } from '../shared/slugs.ts';\nimport { usersRouter } from '../users/index.ts';\nimport { listPosts } from './queries.ts';\nexport const used = [fail, slugBase, usersRouter, listPosts];\n",
      ],
      [
        'probe-feature-ID/queries.ts',
        "import { fail } from '../errors.ts';\nimport { z } from './schemas.ts';\nexport const used = [fail, z];\n",
      ],
      [
        'probe-feature-ID/schemas.ts',
        "import { rowId } from '../shared/schemas.ts';\nexport const z = rowId;\n",
      ],
    ]);
    expect(output).toBe('');
  });

  it('refuses an import cycle', async () => {
    const { output, paths } = await lint([
      ['shared/probe-a-ID.ts', "import { b } from './probe-b-ID.ts';\nexport const a = () => b;\n"],
      ['shared/probe-b-ID.ts', "import { a } from './probe-a-ID.ts';\nexport const b = () => a;\n"],
    ]);
    expect(reported(output, paths[0] ?? '', 'suspicious/noImportCycles')).toBe(true);
  });
});
