/** pnpm env:example [--check] — (re)writes .env.example at the repository root from env.ts. */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderEnvExample } from '../env-example.ts';

const target = fileURLToPath(new URL('../../../../.env.example', import.meta.url));
const text = renderEnvExample();
if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(target, 'utf8');
  } catch {
    // missing: stale
  }
  if (current !== text) {
    console.error(`${target} is stale: run pnpm env:example`);
    process.exitCode = 1;
  }
} else {
  writeFileSync(target, text);
  console.log(`wrote ${target}`);
}
