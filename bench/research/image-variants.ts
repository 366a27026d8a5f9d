/**
 * `pnpm --filter @lectern/bench bench:images`: how long the image work of an upload takes for a
 * 12-megapixel JPEG (4000×3000, photo-like texture, EXIF orientation 6 and a GPS position), with the
 * functions the server runs (packages/api/src/shared/images.ts):
 *
 * - inline, in the upload request: `prepareImage` (header check, decode, rotate, re-encode without
 *   metadata) — and the same for a JPEG without metadata (header check + a shrink-on-load decode);
 * - in the variant worker: `renderVariants` (320/640/1280 px wide × WebP + JPEG).
 *
 * Each step runs 5 times after a warm-up; the table gives the median and the best, in milliseconds.
 */
import { availableParallelism } from 'node:os';
import { prepareImage, renderVariants } from '@lectern/api';

// sharp is @lectern/api's dependency, not the bench's: load the copy the API uses.
const { default: sharp } = (await import(
  new URL('../../packages/api/node_modules/sharp/dist/index.mjs', import.meta.url).href
)) as typeof import('../../packages/api/node_modules/sharp/dist/index.d.mts');

const MAX_PIXELS = 50_000_000;
const ROUNDS = 5;

async function photo(withMetadata: boolean): Promise<Buffer> {
  // Blurred noise over a gradient: compresses like a photo (a flat colour would flatter the encoders).
  const gradient = Buffer.from(
    '<svg xmlns="http://www.w3.org/2000/svg" width="4000" height="3000"><defs><linearGradient id="g">' +
      '<stop offset="0" stop-color="#2a5d8f"/><stop offset="1" stop-color="#e0b04a"/></linearGradient></defs>' +
      '<rect width="4000" height="3000" fill="url(#g)"/></svg>',
  );
  const noise = await sharp({
    create: { width: 4000, height: 3000, channels: 3, noise: { type: 'gaussian', mean: 128, sigma: 30 } },
  })
    .blur(1.2)
    .png({ compressionLevel: 0 })
    .toBuffer();
  const image = sharp(gradient)
    .composite([{ input: noise, blend: 'overlay' }])
    .jpeg({ quality: 90 });
  if (!withMetadata) return image.toBuffer();
  return image
    .withExif({
      IFD0: { Make: 'Bench', Model: 'Phone' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '48/1 51/1 30/1' },
    })
    .withMetadata({ orientation: 6 })
    .toBuffer();
}

async function measure(name: string, run: () => Promise<unknown>): Promise<string> {
  await run();
  const times: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const start = performance.now();
    await run();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)] ?? 0;
  return `| ${name} | ${median.toFixed(0)} | ${(times[0] ?? 0).toFixed(0)} |`;
}

const tagged = new Uint8Array(await photo(true));
const plain = new Uint8Array(await photo(false));
const prepared = await prepareImage(tagged, 'image/jpeg', MAX_PIXELS);
const variants = await renderVariants(prepared.data, 'jpeg', MAX_PIXELS);

const rows = [
  await measure(
    'inline: prepareImage, EXIF + orientation 6 (decode, rotate, re-encode without metadata)',
    () => prepareImage(tagged, 'image/jpeg', MAX_PIXELS),
  ),
  await measure('inline: prepareImage, no metadata (header check + shrink-on-load decode)', () =>
    prepareImage(plain, 'image/jpeg', MAX_PIXELS),
  ),
  await measure('worker: renderVariants, 320/640/1280 × WebP + JPEG', () =>
    renderVariants(prepared.data, 'jpeg', MAX_PIXELS),
  ),
];

console.log(
  `12 MP JPEG (4000×3000): ${(tagged.length / 1e6).toFixed(1)} MB with metadata, ${(plain.length / 1e6).toFixed(1)} MB without; ` +
    `stored original ${(prepared.data.length / 1e6).toFixed(1)} MB, ${prepared.width}×${prepared.height}; ` +
    `variants: ${variants.map((v) => `${v.width}×${v.height} ${v.format} ${Math.round(v.data.length / 1024)} kB`).join(', ')}`,
);
console.log(
  `Node ${process.version}, ${availableParallelism()} cores, sharp ${sharp.versions.sharp} (libvips ${sharp.versions.vips}), ` +
    `sharp concurrency ${sharp.concurrency()}, ${ROUNDS} rounds after a warm-up`,
);
console.log('\n| step | median ms | best ms |\n|---|---|---|');
for (const row of rows) console.log(row);
