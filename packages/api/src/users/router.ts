import { router } from '../../trpc.ts';
import { deleteUser } from './delete.ts';
import { forgetPassword } from './forget-password.ts';
import { getBySlug } from './get-by-slug.ts';
import { list } from './list.ts';
import { login } from './login.ts';
import { logout } from './logout.ts';
import { me } from './me.ts';
import { refreshToken } from './refresh-token.ts';
import { register } from './register.ts';
import { resendOtp } from './resend-otp.ts';
import { resetPassword } from './reset-password.ts';
import { replace, update } from './update.ts';
import { verifyOtp } from './verify-otp.ts';

// Fixed paths (`/users/me`) come before `/users/{slug}`: the REST bridge takes the first match.
export const usersRouter = router({
  register,
  verifyOtp,
  resendOtp,
  login,
  refreshToken,
  logout,
  forgetPassword,
  resetPassword,
  me,
  list,
  getBySlug,
  update,
  replace,
  delete: deleteUser,
});
