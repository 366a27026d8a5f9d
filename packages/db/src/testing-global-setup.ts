import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { createTemplate, DEFAULT_TEST_PG_URL, dropTemplate } from './testing.ts';

/** Migrates one template database per project; each test file copies it (see @lectern/db/testing). */
export default async function setup(project: TestProject) {
  const kind = project.name === 'postgres' ? 'postgres' : 'pglite';
  const dir = await mkdtemp(path.join(tmpdir(), 'lectern-test-'));
  const adminUrl = process.env.LECTERN_TEST_PG_URL ?? DEFAULT_TEST_PG_URL;
  const info = await createTemplate(kind, path.join(dir, 'template.tar'), adminUrl);
  project.provide('lecternTemplate', info);
  return async () => {
    await dropTemplate(info);
    await rm(dir, { recursive: true, force: true });
  };
}
