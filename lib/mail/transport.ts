import "server-only";
import nodemailer, { type Transporter } from "nodemailer";
import { settings, type SmtpConfig } from "@/lib/env";

/** A message ready for SMTP. */
export type OutgoingMail = { to: string; subject: string; text: string; html: string };

let cached: { key: string; transporter: Transporter } | undefined;

// A server that stops answering must not hold a request (or a background delivery) forever.
const TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 20_000 } as const;

function transportFor(smtp: SmtpConfig): Transporter {
  const key = JSON.stringify(smtp);
  if (cached?.key === key) return cached.transporter;
  cached?.transporter.close();
  const transporter =
    "url" in smtp
      ? nodemailer.createTransport({ url: smtp.url, ...TIMEOUTS })
      : nodemailer.createTransport({
          host: smtp.host,
          port: smtp.port,
          secure: smtp.secure,
          ...(smtp.auth ? { auth: smtp.auth } : {}),
          ...TIMEOUTS,
        });
  cached = { key, transporter };
  return transporter;
}

/** Whether an SMTP server is configured (SMTP_URL or SMTP_HOST). */
export function smtpConfigured(): boolean {
  return settings.mail.smtp !== null;
}

/** Sends one message through the configured SMTP server. Throws when the server refuses it. */
export async function sendViaSmtp(mail: OutgoingMail): Promise<void> {
  const smtp = settings.mail.smtp;
  if (!smtp) throw new Error("no SMTP server is configured");
  await transportFor(smtp).sendMail({
    from: settings.mail.from,
    to: mail.to,
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
  });
}
