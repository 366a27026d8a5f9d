/**
 * pnpm db:new <name> — creates packages/db/migrations/NNNN_<name>.ts (the next number) from a template
 * and registers it in packages/db/migrations/index.ts. The new migration refuses to run until it is
 * written, so an empty one can never be recorded as applied. `--dir <folder>` targets another folder
 * (tests).
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const DEFAULT_DIR = fileURLToPath(new URL('../../../../packages/db/migrations/', import.meta.url));

export interface NewMigration {
  name: string;
  fileName: string;
  fileText: string;
  indexText: string;
}

/** The file to add and the index to write for migration `rawName`, given the folder's file names and index. */
export function planMigration(rawName: string, files: string[], indexText: string): NewMigration {
  const slug = rawName
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  if (!/^[a-z][a-z0-9_]{0,59}$/.test(slug)) {
    throw new Error(
      `"${rawName}" is not a usable name: use letters, digits and underscores, starting with a letter`,
    );
  }
  const numbers = files
    .map((f) => /^(\d{4})_.+\.ts$/.exec(f)?.[1])
    .filter((n): n is string => n !== undefined);
  const next = String(Math.max(0, ...numbers.map(Number)) + 1).padStart(4, '0');
  const name = `${next}_${slug}`;
  if (files.some((f) => f.slice(5) === `${slug}.ts`))
    throw new Error(`a migration named ${slug} already exists`);

  const importLines = [...indexText.matchAll(/^import \* as m\d{4} from '\.\/\d{4}_[^']+\.ts';$/gm)];
  const lastImport = importLines.at(-1);
  const close = indexText.lastIndexOf('\n};');
  if (!lastImport || lastImport.index === undefined || close < 0) {
    throw new Error(
      'index.ts does not have the expected shape (import * as mNNNN lines, one migrations object)',
    );
  }
  const afterImport = lastImport.index + lastImport[0].length;
  const withImport = `${indexText.slice(0, afterImport)}\nimport * as m${next} from './${name}.ts';${indexText.slice(afterImport)}`;
  const closeAt = withImport.lastIndexOf('\n};');
  const updated = `${withImport.slice(0, closeAt)}\n  '${name}': m${next},${withImport.slice(closeAt)}`;

  const fileText = `import type { Kysely } from 'kysely';

/*
 * ${name}
 * Say why this change is needed and what reads it. It runs once, on PostgreSQL 15 and on PGlite
 * (PostgreSQL 18 inside), so write SQL that both accept.
 */
export async function up(_db: Kysely<unknown>): Promise<void> {
  // Write the change, e.g. \`await sql\\\`ALTER TABLE …\\\`.execute(db)\` (with \`sql\` from 'kysely'), and
  // delete this line: until then the migration refuses to run instead of being recorded as applied.
  throw new Error('migration ${name} is not written yet');
}
`;
  return { name, fileName: `${name}.ts`, fileText, indexText: updated };
}

function main(): number {
  const { values, positionals } = parseArgs({ options: { dir: { type: 'string' } }, allowPositionals: true });
  const rawName = positionals.join('_');
  if (!rawName) {
    console.error('usage: pnpm db:new <name>   (e.g. pnpm db:new add_post_views)');
    return 2;
  }
  const dir = path.resolve(values.dir ?? DEFAULT_DIR);
  const indexPath = path.join(dir, 'index.ts');
  let plan: NewMigration;
  try {
    plan = planMigration(rawName, readdirSync(dir), readFileSync(indexPath, 'utf8'));
  } catch (error) {
    console.error((error as Error).message);
    return 1;
  }
  writeFileSync(path.join(dir, plan.fileName), plan.fileText, { flag: 'wx' });
  writeFileSync(indexPath, plan.indexText);
  console.log(`created ${path.join(dir, plan.fileName)} and registered it in ${indexPath}`);
  return 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1]))
  process.exitCode = main();
