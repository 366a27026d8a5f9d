import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import nodemailer, { type Transporter } from 'nodemailer';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
}

/** What the mail service reports (the server passes its logger). */
export interface MailLog {
  info(message: string): void;
  error(message: string, error: unknown): void;
}

export interface MailServiceOptions {
  from: string;
  /** smtp:// or smtps:// URL; absent → an .eml file per message under `outboxDir`. */
  smtpUrl?: string | undefined;
  outboxDir: string;
  /** Log each outbox message's file (and the text, which holds the code) — development only. */
  logOutbox: boolean;
  log: MailLog;
}

/**
 * nodemailer waits 2 min for a connection and 30 s for the greeting by default: an unreachable mail
 * server would hold a registration that long. These bound it; `?connectionTimeout=…` (ms) and the like
 * in SMTP_URL override them.
 */
const SMTP_TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 };

/** Sends mail through nodemailer: real SMTP when configured, else a local outbox of .eml files. */
export class MailService {
  readonly #transport: Transporter;
  readonly #opts: MailServiceOptions;

  constructor(opts: MailServiceOptions) {
    this.#opts = opts;
    this.#transport = opts.smtpUrl
      ? nodemailer.createTransport({ url: opts.smtpUrl, ...SMTP_TIMEOUTS })
      : nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  }

  get usesOutbox(): boolean {
    return !this.#opts.smtpUrl;
  }

  async send(message: MailMessage): Promise<void> {
    const info = await this.#transport.sendMail({ from: this.#opts.from, ...message });
    if (this.#opts.smtpUrl) return;
    const raw = (info as { message?: Buffer | string }).message;
    await mkdir(this.#opts.outboxDir, { recursive: true });
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const file = path.join(this.#opts.outboxDir, `${stamp}-${randomUUID().slice(0, 8)}.eml`);
    await writeFile(file, raw ?? '', { mode: 0o600 });
    if (this.#opts.logOutbox) {
      this.#opts.log.info(`mail to ${message.to} saved in ${file}: ${message.subject} — ${message.text}`);
    }
  }

  /** Sends without letting a mail failure fail the caller; the failure is logged. */
  async trySend(message: MailMessage): Promise<boolean> {
    try {
      await this.send(message);
      return true;
    } catch (error) {
      this.#opts.log.error(`could not send mail to ${message.to}`, error);
      return false;
    }
  }

  close(): void {
    this.#transport.close();
  }
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The code mail, in plain text and HTML. */
export function codeMail(opts: {
  to: string;
  username: string;
  code: string;
  purpose: 'verify' | 'reset';
  ttlMinutes: number;
}): MailMessage {
  const what = opts.purpose === 'verify' ? 'verify your email address' : 'reset your password';
  const subject =
    opts.purpose === 'verify' ? 'Your Lectern verification code' : 'Your Lectern password reset code';
  const text = [
    `Hello ${opts.username},`,
    '',
    `Your code to ${what} is ${opts.code}.`,
    `It expires in ${opts.ttlMinutes} minutes. If you did not ask for it, ignore this message.`,
  ].join('\n');
  const html = `<!doctype html><html><body style="font-family:system-ui,sans-serif">
<p>Hello ${escapeHtml(opts.username)},</p>
<p>Your code to ${what} is:</p>
<p style="font-size:1.6em;font-weight:bold;letter-spacing:.2em">${opts.code}</p>
<p>It expires in ${opts.ttlMinutes} minutes. If you did not ask for it, ignore this message.</p>
</body></html>`;
  return { to: opts.to, subject, text, html };
}
