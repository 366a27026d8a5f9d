import { multipartRoute } from '../multipart.ts';
import { fileUploadFields } from './schemas.ts';
import { uploadGalleryFile } from './service.ts';

/** POST /api/files: multipart only (there is no JSON twin, so the route carries its own meta). */
export const uploadFileMultipart = multipartRoute({
  method: 'POST',
  path: '/files',
  meta: {
    operationId: 'filesCreate',
    summary: 'Upload a file to the gallery',
    description:
      'Multipart only. Accepted by content: images, PDF, plain text, CSV, ZIP and office documents; HTML, ' +
      'SVG and executables are refused (415). `title` defaults to the original file name.',
    tags: ['files'],
    access: 'authenticated',
    successStatus: 201,
    responseSchema: 'GalleryFile',
  },
  fields: fileUploadFields,
  files: { file: { description: 'The file.', required: true } },
  handle: (ctx, input, files) => {
    const file = files.file;
    if (!file) throw new Error('parseMultipart lets no upload through without its required file');
    return uploadGalleryFile(ctx, file, input.title);
  },
});
