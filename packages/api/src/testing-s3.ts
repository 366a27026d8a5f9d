/**
 * A real S3 API on loopback for tests: moto's server (`python3 -m moto.server`), started on a free port
 * in its own process group and killed with it. Never imported by production code.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import {
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  ListMultipartUploadsCommand,
} from '@aws-sdk/client-s3';
import { S3Storage } from './shared/s3-storage.ts';

export interface MotoServer {
  endpoint: string;
  port: number;
  pid: number;
  /** Makes a new empty bucket and a storage on it. */
  bucket(name?: string): Promise<S3Storage>;
  /** The environment a server process needs to use `bucket` on this endpoint. */
  env(bucket: string): Record<string, string>;
  stop(): Promise<void>;
}

export const MOTO_CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' } as const;

const MISSING =
  'moto is required for the S3 tests: `python3 -m moto.server` must run (install it with ' +
  "`pip install 'moto[server]==5.2.1'` or Debian's python3-moto; .ci/run checks for it).";

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject()));
    });
  });
}

/** Starts moto's server and waits until it answers; fails with a clear message if moto is missing. */
export async function startMoto(): Promise<MotoServer> {
  const probe = spawnSync('python3', ['-c', 'import moto.server'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new Error(`${MISSING}\n${probe.error?.message ?? probe.stderr.trim()}`);
  }
  const port = await freePort();
  const child: ChildProcess = spawn('python3', ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], {
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const endpoint = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`moto server exited (${child.exitCode}): ${stderr}`);
    try {
      const res = await fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      break;
    } catch {
      if (Date.now() > deadline) {
        process.kill(-(child.pid as number), 'SIGKILL');
        throw new Error(`moto server did not answer on ${endpoint} within 30 s: ${stderr}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const pid = child.pid as number;
  return {
    endpoint,
    port,
    pid,
    async bucket(name = `lectern-${randomUUID().slice(0, 8)}`) {
      const storage = new S3Storage({
        bucket: name,
        region: 'us-east-1',
        endpoint,
        forcePathStyle: true,
        credentials: { ...MOTO_CREDENTIALS },
      });
      await storage.client.send(new CreateBucketCommand({ Bucket: name }));
      return storage;
    },
    env(bucket) {
      return {
        STORAGE: 's3',
        S3_BUCKET: bucket,
        S3_REGION: 'us-east-1',
        S3_ENDPOINT: endpoint,
        S3_FORCE_PATH_STYLE: 'true',
        AWS_ACCESS_KEY_ID: MOTO_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: MOTO_CREDENTIALS.secretAccessKey,
      };
    },
    async stop() {
      if (child.exitCode !== null) return;
      try {
        process.kill(-pid, 'SIGTERM');
      } catch {
        return;
      }
      const timer = setTimeout(() => {
        try {
          process.kill(-pid, 'SIGKILL');
        } catch {}
      }, 3000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Multipart uploads begun and neither completed nor aborted in the bucket (a failed upload's leftovers). */
export async function unfinishedUploads(storage: S3Storage): Promise<number> {
  const page = await storage.client.send(new ListMultipartUploadsCommand({ Bucket: storage.bucket }));
  return page.Uploads?.length ?? 0;
}

/** Begins a multipart upload and leaves it unfinished (what a process killed mid-upload leaves). */
export async function beginMultipartUpload(storage: S3Storage, key: string): Promise<void> {
  await storage.client.send(new CreateMultipartUploadCommand({ Bucket: storage.bucket, Key: key }));
}
