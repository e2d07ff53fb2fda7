import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { Alert } from "@/components/ui/alert";
import { devOutboxEnabled, listRecentMail, type StoredMail } from "@/lib/mail/outbox";
import { smtpConfigured } from "@/lib/mail/transport";

export const metadata: Metadata = { title: "Outbox (development)", robots: { index: false, follow: false } };
// Reads the database on every request; never prerendered.
export const dynamic = "force-dynamic";

const stamp = (d: Date) => `${d.toISOString().slice(0, 19).replace("T", " ")} UTC`;

function status(mail: StoredMail): { label: string; tone: string } {
  if (mail.error) return { label: `failed: ${mail.error}`, tone: "text-red-700 dark:text-red-400" };
  if (mail.sentAt) return { label: `sent ${stamp(mail.sentAt)}`, tone: "text-emerald-700 dark:text-emerald-400" };
  return { label: "in the outbox (not sent)", tone: "text-amber-700 dark:text-amber-400" };
}

const linksIn = (text: string) => [...new Set(text.match(/https?:\/\/[^\s<>"]+/g) ?? [])];

/**
 * Development only (404 in production): every e-mail the app wrote, newest first. Without SMTP
 * settings this is where mail goes. It shows working reset and confirmation links to anyone who
 * can open this page, which is why production never serves it.
 */
export default async function DevMailPage() {
  if (!devOutboxEnabled()) notFound();
  const mails = await listRecentMail(50);
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-bold tracking-tight">Outbox</h1>
        <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">
          The last {mails.length} e-mails this app wrote. Development only: production answers 404 here.
        </p>
      </div>
      {!smtpConfigured() && (
        <Alert tone="info">
          No SMTP server is configured (SMTP_URL or SMTP_HOST), so e-mail is not sent anywhere: read it here.
        </Alert>
      )}
      {mails.length === 0 ? (
        <p className="text-sm text-zinc-600 dark:text-zinc-400">No e-mail yet.</p>
      ) : (
        <ul className="space-y-3">
          {mails.map((mail) => {
            const state = status(mail);
            return (
              <li
                key={mail.id}
                className="rounded-xl bg-white p-4 shadow-sm ring-1 ring-zinc-200 dark:bg-zinc-900 dark:ring-zinc-800"
                data-testid="outbox-mail"
              >
                <details>
                  <summary className="cursor-pointer">
                    <span className="font-semibold">{mail.subject}</span>
                    <span className="block text-xs text-zinc-600 dark:text-zinc-400">
                      to {mail.to} · {stamp(mail.createdAt)} · <span className={state.tone}>{state.label}</span>
                    </span>
                  </summary>
                  <div className="mt-4 space-y-4">
                    {linksIn(mail.text).length > 0 && (
                      <ul className="space-y-1 text-sm">
                        {linksIn(mail.text).map((href) => (
                          <li key={href}>
                            <a
                              href={href}
                              className="break-all font-medium text-indigo-600 hover:underline dark:text-indigo-400"
                              rel="noreferrer"
                            >
                              {href}
                            </a>
                          </li>
                        ))}
                      </ul>
                    )}
                    <pre className="overflow-x-auto whitespace-pre-wrap rounded-md bg-zinc-100 p-3 text-xs dark:bg-zinc-950">
                      {mail.text}
                    </pre>
                    <details>
                      <summary className="cursor-pointer text-sm font-medium">HTML version (source)</summary>
                      <pre className="mt-2 overflow-x-auto whitespace-pre-wrap rounded-md bg-zinc-100 p-3 text-xs dark:bg-zinc-950">
                        {mail.html}
                      </pre>
                    </details>
                  </div>
                </details>
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}
