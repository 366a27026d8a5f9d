import { fail, LecternError } from '../../errors.ts';
import { publicProcedure } from '../../trpc.ts';
import { usersExamples } from '../examples.ts';
import { findUserByEmail, updateUser } from '../queries.ts';
import { loginInput, loginOutput } from '../schemas.ts';
import { tokenPolicy } from '../service.ts';
import { issueTokenPair } from '../sessions.ts';

const INVALID_CREDENTIALS = 'No active account found with the given credentials.';

export const loginProcedure = publicProcedure
  .meta({
    openapi: {
      method: 'POST',
      path: '/users/login',
      tags: ['users'],
      summary: 'Log in: access and refresh tokens',
    },
    // Reachable during maintenance; it then issues tokens to superusers only.
    maintenanceExempt: 'everyone',
    errors: {
      '401': {
        code: 'INVALID_CREDENTIALS',
        description: 'Wrong email or password (or an inactive account).',
        detail: INVALID_CREDENTIALS,
      },
      '403': { code: 'EMAIL_NOT_VERIFIED', description: 'The email address is not verified yet.' },
      '429': { code: 'RATE_LIMITED', description: 'Too many failed logins for this address.' },
    },
    examples: usersExamples.login,
  })
  .input(loginInput)
  .output(loginOutput)
  .mutation(async ({ ctx, input }) => {
    const { rateLimits, passwords } = ctx.services;
    await rateLimits.hit('login', { ip: ctx.request.ip, email: input.email });
    await rateLimits.assertNotLocked(input.email);

    const user = await findUserByEmail(ctx.db, input.email);
    // An unknown address costs one hash verification too, so timing does not tell accounts apart.
    let passwordOk = false;
    if (user) passwordOk = await passwords.verify(user.password_hash, input.password);
    else await passwords.verifyDummy(input.password);
    if (!user || !passwordOk || !user.is_active) {
      await rateLimits.recordLoginFailure(input.email);
      throw new LecternError({ code: 'INVALID_CREDENTIALS', message: INVALID_CREDENTIALS });
    }
    if (!user.is_verified) {
      throw new LecternError({
        code: 'EMAIL_NOT_VERIFIED',
        message: 'Verify your email address before logging in.',
      });
    }
    if ((await ctx.services.settings.get()).maintenance && !user.is_superuser) throw fail.maintenance();
    await rateLimits.clearLoginFailures(input.email);
    if (passwords.needsRehash(user.password_hash)) {
      await updateUser(ctx.db, user.id, { password_hash: await passwords.hash(input.password) });
    }
    const tokens = await issueTokenPair(ctx.db, tokenPolicy(ctx), user.id);
    return {
      ...tokens,
      user: {
        id: user.id,
        email: user.email,
        username: user.username,
        slug: user.slug,
        is_verified: user.is_verified,
        is_staff: user.is_staff,
        is_superuser: user.is_superuser,
      },
    };
  });
