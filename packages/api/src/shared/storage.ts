import { randomUUID } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * Where uploaded files live. Keys are relative paths we generate (`{user-slug}/profile-{uuid}.png`);
 * no client-supplied name ever becomes part of a key. Local disk now; an S3-compatible store fits the
 * same interface for several nodes.
 */
export interface Storage {
  save(key: string, data: Uint8Array): Promise<void>;
  /** Removes the file; a missing file is not an error. */
  delete(key: string): Promise<void>;
  /** Absolute URL of a key, served under /media/. */
  url(baseUrl: string, key: string): string;
}

const SAFE_KEY = /^[a-z0-9][a-z0-9._-]*(\/[a-z0-9][a-z0-9._-]*)*$/i;

export function assertSafeKey(key: string): void {
  if (!SAFE_KEY.test(key) || key.includes('..')) throw new Error(`unsafe storage key: ${key}`);
}

export class LocalDiskStorage implements Storage {
  constructor(readonly root: string) {}

  pathOf(key: string): string {
    assertSafeKey(key);
    return path.join(this.root, key);
  }

  async save(key: string, data: Uint8Array): Promise<void> {
    const target = this.pathOf(key);
    await mkdir(path.dirname(target), { recursive: true });
    // Write then rename: a crash never leaves a half-written file under the final name.
    const tmp = `${target}.${randomUUID()}.part`;
    try {
      await writeFile(tmp, data, { flag: 'wx' });
      await rename(tmp, target);
    } catch (error) {
      await rm(tmp, { force: true });
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }

  url(baseUrl: string, key: string): string {
    return `${baseUrl}/media/${key.split('/').map(encodeURIComponent).join('/')}`;
  }
}
