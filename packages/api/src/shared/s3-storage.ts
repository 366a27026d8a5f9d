import { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import {
  assertSafeKey,
  contentTypeOf,
  mediaUrl,
  RangeNotSatisfiableError,
  type ReadOptions,
  type SaveOptions,
  type Storage,
  type StoredObject,
} from './storage.ts';

export interface S3StorageOptions {
  bucket: string;
  region: string;
  /** For S3-compatible services (MinIO, R2, a local test server): `http://127.0.0.1:9000`. */
  endpoint?: string;
  /** `bucket` in the path instead of the host name (MinIO and most local servers need it). */
  forcePathStyle?: boolean;
  /** Static credentials; by default the SDK's chain (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, …). */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** Multipart part size in bytes (S3's minimum, 5 MiB, by default). */
  partSize?: number;
  /** Parts of one upload in flight at once: memory per streamed upload is about partSize × (queueSize + 1). */
  queueSize?: number;
}

const MiB = 1024 * 1024;

const statusOf = (error: unknown): number | undefined =>
  error instanceof S3ServiceException ? error.$metadata.httpStatusCode : undefined;

/**
 * An S3-compatible bucket. Small files are one PutObject; streams go through lib-storage's Upload
 * (multipart above one part, parts of `partSize`, at most `queueSize` in flight), which aborts its
 * multipart upload when the source fails, so a failed upload leaves no object and no parts.
 */
export class S3Storage implements Storage {
  readonly client: S3Client;
  readonly bucket: string;
  readonly partSize: number;
  readonly queueSize: number;

  constructor(opts: S3StorageOptions) {
    const config: S3ClientConfig = {
      region: opts.region,
      forcePathStyle: opts.forcePathStyle ?? false,
      ...(opts.endpoint ? { endpoint: opts.endpoint } : {}),
      ...(opts.credentials ? { credentials: opts.credentials } : {}),
      // Only when the service asks for them: S3-compatible servers differ on the newer checksum headers.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    };
    this.client = new S3Client(config);
    this.bucket = opts.bucket;
    this.partSize = Math.max(5 * MiB, opts.partSize ?? 5 * MiB);
    this.queueSize = Math.max(1, opts.queueSize ?? 2);
  }

  /** Fails with a clear message when the bucket cannot be reached with these settings. */
  async check(): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
    } catch (error) {
      const status = statusOf(error);
      const why =
        status === 404
          ? 'it does not exist'
          : status === 403
            ? 'access denied (check AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY)'
            : status
              ? `HTTP ${status}`
              : (error as Error).message || String(error);
      throw new Error(`S3 bucket "${this.bucket}" is not reachable: ${why}`, { cause: error });
    }
  }

  async save(key: string, data: Uint8Array, options: SaveOptions = {}): Promise<void> {
    assertSafeKey(key);
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: data,
        ContentLength: data.length,
        ContentType: options.contentType ?? contentTypeOf(key),
      }),
    );
  }

  async saveStream(
    key: string,
    source: AsyncIterable<Uint8Array>,
    options: SaveOptions = {},
  ): Promise<number> {
    assertSafeKey(key);
    let written = 0;
    let sourceError: unknown;
    async function* counted() {
      try {
        for await (const chunk of source) {
          written += chunk.length;
          yield chunk;
        }
      } catch (error) {
        sourceError = error;
        throw error;
      }
    }
    const upload = new Upload({
      client: this.client,
      params: {
        Bucket: this.bucket,
        Key: key,
        Body: Readable.from(counted(), { objectMode: false }),
        ContentType: options.contentType ?? contentTypeOf(key),
      },
      partSize: this.partSize,
      queueSize: this.queueSize,
      leavePartsOnError: false,
    });
    try {
      await upload.done();
    } catch (error) {
      // Upload aborts its multipart upload itself, and a single PutObject is only sent once the source
      // has ended well: nothing new is left under `key`, and an older object there stays as it was.
      throw sourceError ?? error;
    }
    return written;
  }

  async delete(key: string): Promise<void> {
    assertSafeKey(key);
    // DeleteObject succeeds for a missing key: deleting twice is not an error.
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  async read(key: string, options: ReadOptions = {}): Promise<StoredObject | null> {
    assertSafeKey(key);
    const range =
      options.range && /^bytes=\d*-\d*$/.test(options.range.trim()) ? options.range.trim() : undefined;
    try {
      const out = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: key, ...(range ? { Range: range } : {}) }),
      );
      const body = out.Body as Readable | undefined;
      const length = out.ContentLength ?? 0;
      let size = length;
      let served: { start: number; end: number } | undefined;
      const contentRange = out.ContentRange && /^bytes (\d+)-(\d+)\/(\d+)$/.exec(out.ContentRange);
      if (contentRange) {
        served = { start: Number(contentRange[1]), end: Number(contentRange[2]) };
        size = Number(contentRange[3]);
      }
      return {
        body: body ?? Readable.from([]),
        contentType: out.ContentType ?? contentTypeOf(key),
        length,
        size,
        ...(out.ETag ? { etag: out.ETag } : {}),
        ...(out.LastModified ? { lastModified: out.LastModified } : {}),
        ...(range && served ? { range: served } : {}),
      };
    } catch (error) {
      const status = statusOf(error);
      if (status === 404) return null;
      if (status === 416) {
        const head = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
        throw new RangeNotSatisfiableError(head.ContentLength ?? 0);
      }
      throw error;
    }
  }

  /** A short-lived URL that reads the object straight from the bucket. */
  presignedUrl(key: string, expiresInSeconds: number): Promise<string> {
    assertSafeKey(key);
    return getSignedUrl(this.client, new GetObjectCommand({ Bucket: this.bucket, Key: key }), {
      expiresIn: expiresInSeconds,
    });
  }

  /** Every key under `prefix` (tests, tools), page after page. */
  async keys(prefix = ''): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({
          Bucket: this.bucket,
          ...(prefix ? { Prefix: prefix } : {}),
          ...(token ? { ContinuationToken: token } : {}),
        }),
      );
      for (const item of page.Contents ?? []) if (item.Key) keys.push(item.Key);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return keys.sort();
  }

  /**
   * Aborts multipart uploads started more than `maxAgeMs` ago (a process that died mid-upload leaves
   * its parts, billed, until then); returns how many. The S3 twin of sweeping `.part` files.
   */
  async abortStaleUploads(maxAgeMs: number, now = Date.now()): Promise<number> {
    let aborted = 0;
    let keyMarker: string | undefined;
    let uploadIdMarker: string | undefined;
    do {
      const page = await this.client.send(
        new ListMultipartUploadsCommand({
          Bucket: this.bucket,
          ...(keyMarker ? { KeyMarker: keyMarker } : {}),
          ...(uploadIdMarker ? { UploadIdMarker: uploadIdMarker } : {}),
        }),
      );
      for (const upload of page.Uploads ?? []) {
        if (!upload.Key || !upload.UploadId || !upload.Initiated) continue;
        if (upload.Initiated.getTime() > now - maxAgeMs) continue;
        try {
          await this.client.send(
            new AbortMultipartUploadCommand({
              Bucket: this.bucket,
              Key: upload.Key,
              UploadId: upload.UploadId,
            }),
          );
          aborted++;
        } catch (error) {
          // Completed or aborted by its writer (or another sweeper) since the listing.
          if (statusOf(error) !== 404) throw error;
        }
      }
      const more = page.IsTruncated;
      keyMarker = more ? page.NextKeyMarker : undefined;
      uploadIdMarker = more ? page.NextUploadIdMarker : undefined;
    } while (keyMarker);
    return aborted;
  }

  url(baseUrl: string, key: string): string {
    return mediaUrl(baseUrl, key);
  }
}
