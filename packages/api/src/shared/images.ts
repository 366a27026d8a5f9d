import sharp, { type Metadata, type Sharp } from 'sharp';
import { LecternError } from '../errors.ts';

/*
 * Image processing with sharp (libvips) for profile pictures and post thumbnails:
 *
 * - `prepareImage` runs inline at upload: it reads the header first (cheap) and refuses a picture
 *   over the pixel limit (413 IMAGE_TOO_LARGE) before anything is decoded, then decodes it (415
 *   CORRUPT_IMAGE if it cannot), and re-encodes it with its orientation applied and its metadata
 *   (EXIF with GPS, XMP, IPTC) dropped when it carries any — the original is served as is at /media/,
 *   so that is where a location would leak. The ICC profile is kept, so colours do not shift.
 * - `renderVariants` runs in the variant worker (shared/image-variants.ts): WebP and the original's
 *   format at each of VARIANT_WIDTHS below the original's width (never upscaled), no metadata.
 */

/** Widths of the variants; only those below the original's width are made. */
export const VARIANT_WIDTHS = [320, 640, 1280] as const;

/** Output formats sharp writes, by the name `metadata().format` reports. */
export type ImageFormat = 'jpeg' | 'png' | 'webp' | 'gif' | 'avif';

const FORMAT_OF_MIME: Record<string, ImageFormat> = {
  'image/jpeg': 'jpeg',
  'image/png': 'png',
  'image/webp': 'webp',
  'image/gif': 'gif',
  'image/avif': 'avif',
};

const EXT_OF_FORMAT: Record<ImageFormat, string> = {
  jpeg: 'jpg',
  png: 'png',
  webp: 'webp',
  gif: 'gif',
  avif: 'avif',
};

export const extensionOf = (format: ImageFormat): string => EXT_OF_FORMAT[format];

export function formatOfMime(mime: string): ImageFormat | undefined {
  return FORMAT_OF_MIME[mime];
}

export function isImageFormat(value: string): value is ImageFormat {
  return Object.hasOwn(EXT_OF_FORMAT, value);
}

export interface PreparedImage {
  data: Uint8Array;
  format: ImageFormat;
  /** As displayed: orientation applied. */
  width: number;
  height: number;
  /** Whether the bytes were re-encoded (the upload carried metadata or an orientation). */
  reencoded: boolean;
}

export interface RenderedVariant {
  width: number;
  height: number;
  format: ImageFormat;
  data: Uint8Array;
}

const tooLarge = (maxPixels: number) =>
  new LecternError({
    code: 'IMAGE_TOO_LARGE',
    message: `The image has too many pixels (at most ${maxPixels.toLocaleString('en-US')}).`,
  });

const corrupt = () =>
  new LecternError({ code: 'CORRUPT_IMAGE', message: 'The image is damaged or cannot be decoded.' });

/** sharp's own wording for the limitInputPixels refusal. */
const isPixelLimitError = (error: unknown) => error instanceof Error && /pixel limit/i.test(error.message);

/** Input options shared by every decode: every frame of an animation, and the pixel limit. */
function input(data: Uint8Array, maxPixels: number) {
  return sharp(data, { animated: true, limitInputPixels: maxPixels, failOn: 'warning' });
}

function encode(pipeline: Sharp, format: ImageFormat): Sharp {
  switch (format) {
    case 'jpeg':
      return pipeline.jpeg({ quality: 90 });
    case 'png':
      return pipeline.png();
    case 'webp':
      return pipeline.webp({ quality: 85 });
    case 'gif':
      return pipeline.gif();
    case 'avif':
      return pipeline.avif({ quality: 60 });
  }
}

/** The displayed size from a header: EXIF orientations 5–8 swap width and height. */
function displayedSize(meta: Metadata): { width: number; height: number } {
  const width = meta.width ?? 0;
  const height = meta.pageHeight ?? meta.height ?? 0;
  return (meta.orientation ?? 1) >= 5 ? { width: height, height: width } : { width, height };
}

const carriesMetadata = (meta: Metadata) =>
  Boolean(meta.exif || meta.xmp || meta.iptc || (meta.orientation ?? 1) > 1);

/**
 * Checks an uploaded image and returns the bytes to store: 413 IMAGE_TOO_LARGE over `maxPixels`
 * (all frames counted), 415 CORRUPT_IMAGE when it does not decode.
 */
export async function prepareImage(
  data: Uint8Array,
  mime: string,
  maxPixels: number,
): Promise<PreparedImage> {
  const format = formatOfMime(mime);
  if (!format) throw corrupt();
  let meta: Metadata;
  try {
    meta = await sharp(data, { animated: true, limitInputPixels: false }).metadata();
  } catch {
    throw corrupt();
  }
  const pixels = (meta.width ?? 0) * (meta.height ?? 0);
  if (pixels === 0) throw corrupt();
  if (pixels > maxPixels) throw tooLarge(maxPixels);
  const size = displayedSize(meta);
  try {
    if (carriesMetadata(meta)) {
      // rotate() with no angle applies the EXIF orientation; sharp writes no metadata unless asked.
      const out = await encode(input(data, maxPixels).rotate().keepIccProfile(), format).toBuffer();
      return { data: new Uint8Array(out), format, ...size, reencoded: true };
    }
    // No metadata to drop: keep the bytes, but decode them once (a shrink-on-load for JPEG and WebP)
    // so a damaged file is refused now rather than found by the worker later.
    await input(data, maxPixels).resize(16, 16, { fit: 'inside' }).raw().toBuffer();
    return { data, format, ...size, reencoded: false };
  } catch (error) {
    if (isPixelLimitError(error)) throw tooLarge(maxPixels);
    throw corrupt();
  }
}

/** The widths to make for an original `width` pixels wide (never upscaled, never the same size). */
export function variantWidths(width: number): number[] {
  return VARIANT_WIDTHS.filter((w) => w < width);
}

/** The formats of the variants: WebP, and the original's own format when that is not WebP. */
export function variantFormats(original: ImageFormat): ImageFormat[] {
  return original === 'webp' ? ['webp'] : ['webp', original];
}

/** Every variant of a prepared original, smallest first, WebP before the original's format. */
export async function renderVariants(
  data: Uint8Array,
  format: ImageFormat,
  maxPixels: number,
): Promise<RenderedVariant[]> {
  // The job's bytes come from prepareImage: already upright (no orientation left to apply).
  const source = input(data, maxPixels);
  const meta = await source.metadata();
  const { width } = displayedSize(meta);
  const jobs: Array<Promise<RenderedVariant>> = [];
  for (const targetWidth of variantWidths(width)) {
    for (const target of variantFormats(format)) {
      jobs.push(
        encode(source.clone().resize({ width: targetWidth, withoutEnlargement: true }), target)
          .toBuffer({ resolveWithObject: true })
          .then(({ data: out, info }) => ({
            width: info.width,
            height: info.pageHeight ?? info.height,
            format: target,
            data: new Uint8Array(out),
          })),
      );
    }
  }
  return Promise.all(jobs);
}
