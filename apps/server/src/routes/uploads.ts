import type { UploadRoute } from '../plugins/uploads.ts';
import { contentUploadPaths, contentUploadRoutes } from './content-uploads.ts';
import { userUploadPaths, userUploadRoutes } from './user-uploads.ts';

/**
 * Every multipart route (JSON or multipart on one path). Each area adds its entries here; their
 * OpenAPI operations go in `uploadPaths` below (they replace the bridge's JSON-only operation).
 */
export const uploadRoutes: UploadRoute[] = [...userUploadRoutes, ...contentUploadRoutes];

export const uploadPaths: Record<string, Record<string, Record<string, unknown>>> = {
  ...userUploadPaths,
  ...contentUploadPaths,
};
