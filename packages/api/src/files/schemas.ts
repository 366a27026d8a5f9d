import { z } from 'zod';
import { pageOf, pageParams } from '../shared/pagination.ts';
import { userRef } from '../shared/schemas.ts';

export const MAX_FILE_TITLE_LENGTH = 255;

export const fileIdInput = z.object({ id: z.string().meta({ description: 'The file id.' }) });

export const fileListInput = z.object({
  ...pageParams,
  search: z.string().optional().meta({ description: 'A case-insensitive substring of the title.' }),
});

export const fileOutput = z
  .object({
    id: z.number().int(),
    title: z.string(),
    file: z.string().meta({ description: 'Absolute URL.' }),
    size: z.number().int(),
    content_type: z.string(),
    uploaded_by: userRef,
    uploaded_at: z.date(),
  })
  .meta({ id: 'GalleryFile' });
export type GalleryFile = z.infer<typeof fileOutput>;

export const filePageOutput = pageOf(fileOutput, 'GalleryFilePage');

/** The multipart fields of an upload (besides the `file` part). */
export const fileUploadFields = z.object({
  title: z
    .string()
    .trim()
    .max(MAX_FILE_TITLE_LENGTH, `Ensure this field has no more than ${MAX_FILE_TITLE_LENGTH} characters.`)
    .optional()
    .meta({ description: 'Defaults to the original file name.' }),
});
