/** Helpers for tests of other packages (never imported by production code). */
export { hashToken, signAccessToken } from './shared/jwt.ts';
export {
  beginMultipartUpload,
  MOTO_CREDENTIALS,
  type MotoServer,
  startMoto,
  unfinishedUploads,
} from './testing-s3.ts';
