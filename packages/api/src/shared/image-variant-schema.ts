import { z } from 'zod';

export const imageVariantOutput = z
  .object({
    url: z.string().meta({ description: 'Absolute URL of the resized file.' }),
    width: z.number().int(),
    height: z.number().int(),
    format: z
      .string()
      .meta({ description: "`webp`, or the original's format: `jpeg`, `png`, `gif` or `avif`." }),
  })
  .meta({ id: 'ImageVariant' });
export type ImageVariant = z.infer<typeof imageVariantOutput>;

/**
 * The `variants` field of a resource with a picture. Made in the background after an upload (see the
 * README, "Image variants"): empty until then, for a picture smaller than the smallest width, and for
 * pictures stored before variants existed.
 */
export const imageVariantsField = z.array(imageVariantOutput).meta({
  description:
    'Resized copies of the picture (320, 640 and 1280 px wide, only widths below the original), each ' +
    'in WebP and in the original format, without metadata. Made in the background after an upload: ' +
    'empty until they are ready, and when the picture is smaller than 320 px or absent.',
});
