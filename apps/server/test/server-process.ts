/** Real server processes for tests (apps/server/src/main.ts under tsx), on free loopback ports. */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const serverDir = path.resolve(import.meta.dirname, '..');

export interface ServerProc {
  child: ChildProcess;
  url: string;
  output: () => string;
}

export async function freePort(): Promise<number> {
  const srv = createServer();
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const { port } = srv.address() as { port: number };
  srv.close();
  await once(srv, 'close');
  return port;
}

/** Starts a server process and waits (up to 60 s) until its health check answers 200. */
export async function startServer(env: Record<string, string>): Promise<ServerProc> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: serverDir,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const keep = (d: Buffer) => {
    out += d.toString();
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited early:\n${out}`);
    try {
      if ((await fetch(`${url}/health-check/`)).status === 200) return { child, url, output: () => out };
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  child.kill('SIGKILL');
  throw new Error(`server did not become healthy:\n${out}`);
}

/** Sends `signal` and resolves with the exit code (immediately if it has already exited). */
export async function stopServer(
  proc: ServerProc,
  signal: NodeJS.Signals = 'SIGTERM',
): Promise<number | null> {
  if (proc.child.exitCode !== null || proc.child.signalCode !== null) return proc.child.exitCode;
  proc.child.kill(signal);
  const [code] = (await once(proc.child, 'exit')) as [number | null];
  return code;
}
