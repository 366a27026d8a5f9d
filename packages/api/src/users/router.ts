import { router } from '../trpc.ts';
import { deleteUserProcedure } from './procedures/delete.ts';
import { forgetPasswordProcedure } from './procedures/forget-password.ts';
import { getUserProcedure } from './procedures/get.ts';
import { listUsersProcedure } from './procedures/list.ts';
import { loginProcedure } from './procedures/login.ts';
import { logoutProcedure } from './procedures/logout.ts';
import { meProcedure } from './procedures/me.ts';
import { refreshTokenProcedure } from './procedures/refresh-token.ts';
import { registerProcedure } from './procedures/register.ts';
import { resendOtpProcedure } from './procedures/resend-otp.ts';
import { resetPasswordProcedure } from './procedures/reset-password.ts';
import { updateUserProcedure } from './procedures/update.ts';
import { verifyOtpProcedure } from './procedures/verify-otp.ts';

// Fixed paths (`/users/me`) come before `/users/{slug}`: the REST bridge takes the first match.
export const usersRouter = router({
  register: registerProcedure,
  verifyOtp: verifyOtpProcedure,
  resendOtp: resendOtpProcedure,
  login: loginProcedure,
  refreshToken: refreshTokenProcedure,
  logout: logoutProcedure,
  forgetPassword: forgetPasswordProcedure,
  resetPassword: resetPasswordProcedure,
  me: meProcedure,
  list: listUsersProcedure,
  get: getUserProcedure,
  update: updateUserProcedure,
  delete: deleteUserProcedure,
});
