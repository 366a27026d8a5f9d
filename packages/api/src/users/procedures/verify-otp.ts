import { fail } from '../../errors.ts';
import { publicProcedure } from '../../trpc.ts';
import { consumeCode } from '../codes.ts';
import { usersExamples } from '../examples.ts';
import { findUserByEmail, updateUser } from '../queries.ts';
import { verifyOtpInput, verifyOtpOutput } from '../schemas.ts';
import { codePolicy } from '../service.ts';

export const INVALID_CODE = 'Invalid or expired code.';

export const verifyOtpProcedure = publicProcedure
  .meta({
    openapi: {
      method: 'POST',
      path: '/users/verify-otp',
      tags: ['users'],
      summary: 'Verify an email address with the emailed code',
    },
    errors: { '429': { code: 'RATE_LIMITED', description: 'Too many attempts.' } },
    examples: usersExamples.verifyOtp,
  })
  .input(verifyOtpInput)
  .output(verifyOtpOutput)
  .mutation(async ({ ctx, input }) => {
    await ctx.services.rateLimits.hit('verify', { ip: ctx.request.ip, email: input.email });
    const user = await findUserByEmail(ctx.db, input.email);
    // Unknown address, wrong, expired, spent or exhausted code: one answer.
    if (!user?.is_active) throw fail.field('otp', INVALID_CODE);
    const ok = await consumeCode(ctx.db, codePolicy(ctx), user.id, 'verify', input.otp);
    if (!ok) throw fail.field('otp', INVALID_CODE);
    const verified = await updateUser(ctx.db, user.id, { is_verified: true });
    return {
      message: 'Email verified. You can now log in.',
      user: { id: verified.id, email: verified.email, is_verified: verified.is_verified },
    };
  });
