import { z } from 'zod';
import { findUserByEmail } from '../../queries/users.ts';
import { sendCode } from '../../services/accounts.ts';
import { publicProcedure } from '../../trpc.ts';
import { emailField, messageOutput } from './schemas.ts';

export const forgetPassword = publicProcedure
  .meta({
    openapi: {
      method: 'POST',
      path: '/users/forget-password',
      tags: ['users'],
      summary: 'Email a password reset code',
    },
  })
  .input(z.object({ email: emailField() }))
  .output(messageOutput)
  .mutation(async ({ ctx, input }) => {
    await ctx.services.rateLimits.hit('forget', { ip: ctx.request.ip, email: input.email });
    const user = await findUserByEmail(ctx.db, input.email);
    if (user?.is_active) await sendCode(ctx, user, 'reset', { background: true });
    return { message: 'OTP sent to your email' };
  });
