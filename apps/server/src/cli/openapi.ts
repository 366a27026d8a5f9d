/**
 * Writes the OpenAPI document of the routers to apps/server/openapi.json (`pnpm openapi:generate`), or
 * with `--check` fails when the committed file is out of date.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { createOpenApiDocument, OPENAPI_FILE, serializeOpenApiDocument } from '../openapi.ts';

const file = fileURLToPath(OPENAPI_FILE);
const text = serializeOpenApiDocument(createOpenApiDocument());

if (process.argv.includes('--check')) {
  const committed = await readFile(file, 'utf8').catch(() => '');
  if (committed !== text) {
    console.error(`${file} is out of date: run \`pnpm openapi:generate\` and commit it.`);
    process.exit(1);
  }
  console.log(`${file} is up to date.`);
} else {
  await writeFile(file, text);
  console.log(`Wrote ${file}.`);
}
