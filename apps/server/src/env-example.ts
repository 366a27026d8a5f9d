/**
 * .env.example, rendered from the environment schema (env.ts): every variable, its default and its
 * one-line description, in the schema's order. `pnpm env:example` writes it; a test fails while the
 * committed file differs from what this renders.
 */
import { z } from 'zod';
import { envSchema } from './env.ts';

const HEADER = `# Lectern configuration: every variable the server reads, with its default.
# Generated from apps/server/src/env.ts by \`pnpm env:example\`; edit descriptions there, not here.
# Copy this file to .env (at the repository root or in apps/server) and uncomment what you change;
# the real environment wins over .env.
`;

/** The default a schema applies, looking through optional/pipe wrappers; undefined when it has none. */
function defaultOf(schema: z.ZodType): unknown {
  if (schema instanceof z.ZodDefault) return schema.def.defaultValue;
  if (schema instanceof z.ZodPipe) return defaultOf(schema.def.in as z.ZodType);
  return undefined;
}

function show(value: unknown): string {
  if (value === undefined) return '';
  if (Array.isArray(value)) return value.join(',');
  return String(value);
}

export function renderEnvExample(): string {
  const blocks = Object.entries(envSchema.shape).map(([name, schema]) => {
    const meta = (schema as z.ZodType).meta() as { description?: string; shownDefault?: string } | undefined;
    if (!meta?.description) throw new Error(`${name} has no description in env.ts`);
    // A default computed at start (the CPU count, a path) is said in words; the value stays empty.
    if (meta.shownDefault) return `# ${meta.description} (default: ${meta.shownDefault})\n# ${name}=\n`;
    return `# ${meta.description}\n# ${name}=${show(defaultOf(schema as z.ZodType))}\n`;
  });
  return `${HEADER}\n${blocks.join('\n')}`;
}
