/** What other features and the assembly may use of the files feature. */
export { uploadFileMultipart } from './multipart.ts';
export { filesRouter } from './router.ts';
export type { GalleryFile } from './schemas.ts';
