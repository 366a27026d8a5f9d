import {
  EXAMPLE_ACCESS_TOKEN,
  EXAMPLE_AUTHOR,
  EXAMPLE_LATER,
  EXAMPLE_REFRESH_TOKEN,
  EXAMPLE_TIME,
} from '../shared/examples.ts';

/** Request and answer examples of the users procedures, for the OpenAPI document. */
const email = 'ada@example.com';
const password = 'Quartz-Lantern-Ferry-41';

export const usersExamples = {
  register: {
    request: { email, password, username: 'ada' },
    response: {
      ...EXAMPLE_AUTHOR,
      email,
      is_verified: false,
      message: 'Account created. Check your email for the verification code.',
    },
  },
  verifyOtp: {
    request: { email, otp: '402913' },
    response: { message: 'Email verified. You can now log in.', user: { id: 7, email, is_verified: true } },
  },
  login: {
    request: { email, password },
    response: {
      access: EXAMPLE_ACCESS_TOKEN,
      refresh: EXAMPLE_REFRESH_TOKEN,
      user: { ...EXAMPLE_AUTHOR, email, is_verified: true, is_staff: false, is_superuser: false },
    },
  },
  refreshToken: {
    request: { refresh: EXAMPLE_REFRESH_TOKEN },
    response: { access: EXAMPLE_ACCESS_TOKEN, refresh: `${EXAMPLE_REFRESH_TOKEN.slice(0, -4)}9f8e` },
  },
  forgetPassword: { request: { email }, response: { message: 'OTP sent to your email' } },
  me: {
    response: {
      ...EXAMPLE_AUTHOR,
      email,
      bio: 'Engineer and writer.',
      address: '',
      profile_pic: 'https://cms.example.com/media/ada-1f3a9c2e/profile-8d1c0b2a.png',
      variants: [
        {
          url: 'https://cms.example.com/media/ada-1f3a9c2e/profile-8d1c0b2a-320w.webp',
          width: 320,
          height: 320,
          format: 'webp',
        },
        {
          url: 'https://cms.example.com/media/ada-1f3a9c2e/profile-8d1c0b2a-320w.png',
          width: 320,
          height: 320,
          format: 'png',
        },
      ],
      is_verified: true,
      is_staff: false,
      is_superuser: false,
      date_joined: EXAMPLE_TIME,
      updated_at: EXAMPLE_LATER,
    },
  },
};
