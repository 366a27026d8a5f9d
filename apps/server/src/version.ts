import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
/** The server's (and the API's) version: the SDK's version matches it. */
export const version: string = (require('../package.json') as { version: string }).version;
