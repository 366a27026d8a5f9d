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
  // Streamed into storage as it arrives: a large file is never held whole (UPLOAD_MAX_BYTES).
  files: {
    file: {
      description: 'The file.',
      required: true,
      stream: { kind: 'gallery', key: (id, ext) => `file_gallery/${id}.${ext}` },
    },
  },
  handle: (ctx, input, _files, _params, uploads) => {
    const upload = uploads.file;
    if (!upload) throw new Error('parseMultipart lets no upload through without its required file');
    return uploadGalleryFile(ctx, upload, input.title);
  },
});
