/**
 * The one logger of a server process (primary or worker) and of Fastify inside it: pino, writing
 * JSON lines (production, log shippers) or pino-pretty's human-readable lines (development).
 */
import { hostname } from 'node:os';
import pino, { type Logger } from 'pino';
import pretty from 'pino-pretty';
import type { Env } from './env.ts';

export type { Logger };

export function createLogger(
  env: Pick<Env, 'LOG_LEVEL' | 'LOG_FORMAT'>,
  bindings: Record<string, unknown> = {},
): Logger {
  const options = { level: env.LOG_LEVEL, base: { pid: process.pid, hostname: hostname(), ...bindings } };
  if (env.LOG_FORMAT === 'json') return pino(options);
  // Synchronous writes: the last lines before an exit (a shutdown, a crash) are not lost.
  const stream = pretty({
    sync: true,
    colorize: process.stdout.isTTY === true,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'hostname',
  });
  return pino(options, stream);
}

/**
 * Text meant for a person at the console (the generated admin password): a framed block on stderr,
 * outside the log stream, so it is neither buried in a JSON line nor filtered by LOG_LEVEL.
 */
export function printBanner(lines: string[]): void {
  const width = Math.max(...lines.map((l) => l.length)) + 4;
  const rule = '='.repeat(width);
  const body = lines.map((l) => `  ${l}`).join('\n');
  process.stderr.write(`\n${rule}\n${body}\n${rule}\n\n`);
}
