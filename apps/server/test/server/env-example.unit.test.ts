/** .env.example stays what env.ts renders, and every variable is described in README.md too. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { envSchema } from '../../src/env.ts';
import { renderEnvExample } from '../../src/env-example.ts';

const root = path.resolve(import.meta.dirname, '../../../..');

describe('.env.example', () => {
  it('is current (regenerate with pnpm env:example)', () => {
    const committed = readFileSync(path.join(root, '.env.example'), 'utf8');
    expect(committed, 'stale: run pnpm env:example').toBe(renderEnvExample());
  });

  it('lists every variable with its default, commented out', () => {
    const text = renderEnvExample();
    for (const name of Object.keys(envSchema.shape)) expect(text).toMatch(new RegExp(`^# ${name}=`, 'm'));
    expect(text).toContain('# PORT=8000\n');
    expect(text).toContain('# RATE_LIMIT_ENABLED=true\n');
    expect(text).toContain('# DATABASE_URL=\n');
    expect(text).toContain('one that dies is replaced (default: number of CPUs)\n# WORKERS=\n');
    expect(text).toContain('# ALLOWED_HOSTS=*\n');
  });

  it('README.md documents every variable', () => {
    const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
    const missing = Object.keys(envSchema.shape).filter((name) => !readme.includes(`\`${name}\``));
    expect(missing).toEqual([]);
  });
});
