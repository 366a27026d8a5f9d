/*
 * Input of the build's first step, never run: the declaration emitter writes the two constants'
 * types out in full (see public-router.ts), which gives the published AppRouter type.
 */
import type { AppRouter } from '@lectern/api';
import { expandRecord, expandRoot } from './public-router.ts';

/** The server router's root types (context and meta erased). */
export const appRouterRoot = expandRoot<AppRouter>();

/** Every procedure of the server's router with its input, output and error shape. */
export const appRouterRecord = expandRecord<AppRouter>();
