/**
 * EXPLAIN ANALYZE of what a request really runs: the app is built in this process on a database
 * handle that records every statement (text and parameters), the request is injected, and each
 * recorded statement is explained with its own parameters.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createDb } from '@lectern/db';
import type { LogEvent } from 'kysely';
import pg from 'pg';
import { buildApp } from '../../apps/server/src/app.ts';
import { apiConfigFrom } from '../../apps/server/src/config.ts';
import { loadEnv } from '../../apps/server/src/env.ts';
import { createServices } from '../../apps/server/src/services.ts';

export interface ExplainedStatement {
  sql: string;
  parameters: unknown[];
  plan: string;
  executionMs: number | null;
}

export interface ExplainedRequest {
  name: string;
  path: string;
  status: number;
  statements: ExplainedStatement[];
}

export async function explainRequests(
  databaseUrl: string,
  token: string,
  jwtSecret: string,
  requests: Array<{ name: string; path: string }>,
): Promise<ExplainedRequest[]> {
  const recorded: Array<{ sql: string; parameters: readonly unknown[] }> = [];
  let recording = false;
  const onQuery = (event: LogEvent) => {
    if (recording && event.level === 'query') {
      recorded.push({ sql: event.query.sql, parameters: event.query.parameters });
    }
  };
  const dataDir = await mkdtemp(path.join(tmpdir(), 'lectern-explain-'));
  const { db } = createDb({ databaseUrl, poolSize: 1, onQuery });
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const env = loadEnv({
      NODE_ENV: 'production',
      LOG_LEVEL: 'silent',
      DATABASE_URL: databaseUrl,
      JWT_SECRET: jwtSecret,
      DATA_DIR: dataDir,
      // Uncached: the statements behind a list, not the version check in front of them.
      CONTENT_CACHE_ENTRIES: '0',
      SETTINGS_CACHE_MS: '600000',
    });
    const services = await createServices(db, env);
    const app = await buildApp({ env, config: apiConfigFrom(env, jwtSecret), db, services });
    await app.ready();
    const out: ExplainedRequest[] = [];
    try {
      for (const request of requests) {
        // Once to warm the settings cache and the plan cache, then recorded.
        await app.inject({ url: request.path, headers: { authorization: `Bearer ${token}` } });
        recorded.length = 0;
        recording = true;
        const res = await app.inject({ url: request.path, headers: { authorization: `Bearer ${token}` } });
        recording = false;
        const statements: ExplainedStatement[] = [];
        for (const statement of recorded) {
          const { rows } = await client.query<{ 'QUERY PLAN': string }>(
            `EXPLAIN (ANALYZE, BUFFERS) ${statement.sql}`,
            [...statement.parameters],
          );
          const plan = rows.map((r) => r['QUERY PLAN']).join('\n');
          const time = /Execution Time: ([\d.]+) ms/.exec(plan);
          statements.push({
            sql: statement.sql,
            parameters: [...statement.parameters],
            plan,
            executionMs: time ? Number(time[1]) : null,
          });
        }
        out.push({ name: request.name, path: request.path, status: res.statusCode, statements });
      }
    } finally {
      await app.close();
    }
    return out;
  } finally {
    await client.end();
    await db.destroy();
    await rm(dataDir, { recursive: true, force: true });
  }
}

export function explainMarkdown(title: string, explained: ExplainedRequest[]): string {
  const parts = [`# ${title}`, ''];
  for (const request of explained) {
    parts.push(`## ${request.name}`, '', `\`GET ${request.path}\` → ${request.status}`, '');
    request.statements.forEach((s, i) => {
      parts.push(
        `### Statement ${i + 1} of ${request.statements.length} (${s.executionMs ?? '?'} ms)`,
        '',
        '```sql',
        s.sql,
        '```',
        '',
        `Parameters: \`${JSON.stringify(s.parameters)}\``,
        '',
        '```',
        s.plan,
        '```',
        '',
      );
    });
  }
  return parts.join('\n');
}
