/** What the API layer needs from the server's configuration (the server's env maps onto it). */
export interface ApiConfig {
  nodeEnv: 'development' | 'production' | 'test';
  version: string;
  jwtSecret: string;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  /** Absolute base for URLs in responses; else each request's own host. */
  publicUrl: string | undefined;
  /** Refresh tokens rotate on each use (false: the seed's behaviour, refresh returns only `access`). */
  refreshRotation: boolean;
  refreshReuseGraceSeconds: number;
  otpTtlMinutes: number;
  otpMaxAttempts: number;
  otpResendCooldownSeconds: number;
  /** Revisions kept per post (REVISIONS_KEPT); older ones are trimmed by the write that adds one. */
  revisionsKept: number;
  /** WEBHOOK_ALLOW_PRIVATE: webhook URLs may name loopback and private addresses (tests, intranets). */
  webhookAllowPrivate: boolean;
  /** IMAGE_MAX_PIXELS: pictures and thumbnails with more pixels are refused (413 IMAGE_TOO_LARGE). */
  imageMaxPixels: number;
}
