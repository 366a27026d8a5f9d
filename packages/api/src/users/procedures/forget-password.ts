import { publicProcedure } from '../../trpc.ts';
import { usersExamples } from '../examples.ts';
import { findUserByEmail } from '../queries.ts';
import { emailInput, messageOutput } from '../schemas.ts';
import { sendCode } from '../service.ts';

export const forgetPasswordProcedure = publicProcedure
  .meta({
    openapi: {
      method: 'POST',
      path: '/users/forget-password',
      tags: ['users'],
      summary: 'Email a password reset code',
    },
    errors: { '429': { code: 'RATE_LIMITED', description: 'Too many requests.' } },
    examples: usersExamples.forgetPassword,
  })
  .input(emailInput)
  .output(messageOutput)
  .mutation(async ({ ctx, input }) => {
    await ctx.services.rateLimits.hit('forget', { ip: ctx.request.ip, email: input.email });
    const user = await findUserByEmail(ctx.db, input.email);
    if (user?.is_active) await sendCode(ctx, user, 'reset', { background: true });
    return { message: 'OTP sent to your email' };
  });
