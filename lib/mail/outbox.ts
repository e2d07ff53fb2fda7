import "server-only";
import { db, type DbClient } from "@/lib/db";
import { settings } from "@/lib/env";
import { sendViaSmtp, smtpConfigured, type OutgoingMail } from "./transport";

/**
 * Every e-mail is a mail_messages row first (the outbox), keyed by a unique dedupe key: inserting
 * a key twice does nothing, so one event mails once however often its hook runs. A row written in
 * a transaction is sent only after that transaction commits, so a rolled-back change never mails.
 * Delivery is at most once: a row is claimed (sent_at set) before the SMTP call; a failure is
 * recorded in `error` and not retried.
 *
 * Without an SMTP server the row is the delivery: outside production /dev/mail shows it. In
 * production a row never holds a usable link (see QueuedMail.redacted).
 */

export type QueuedMail = OutgoingMail & {
  dedupeKey: string;
  /**
   * What the table keeps when the message carries a secret link (reset, confirmation, "this
   * wasn't me"): with SMTP configured, and always in production, only this redacted copy is
   * stored, so a database reader cannot use the links. The full text is handed to the sender in
   * memory. Outside production without SMTP the table keeps the full text: it is the delivery
   * (/dev/mail, and the tests that read links from it).
   */
  redacted?: { text: string; html: string };
};

/** Full bodies of queued messages whose stored copy is redacted, until they are sent. */
const fullBodies = new Map<string, OutgoingMail>();
/** Deliveries under way, so tests and shutdown can wait for them. */
const inFlight = new Set<Promise<void>>();

function track(task: Promise<void>): void {
  const guarded = task.catch((error: unknown) => console.error("[lokdown] mail delivery failed:", error));
  inFlight.add(guarded);
  void guarded.finally(() => inFlight.delete(guarded));
}

/** Waits until every delivery started so far has finished. */
export async function settleMailDeliveries(): Promise<void> {
  while (inFlight.size > 0) await Promise.all([...inFlight]);
}

/** Runs work after the response (e.g. so that timing does not reveal what it does); awaited by settleMailDeliveries. */
export function runInBackground(work: () => Promise<void>): void {
  track(Promise.resolve().then(work));
}

/** Adds a message to the outbox. Returns false when its dedupe key was already used. */
export async function enqueueMail(client: DbClient, mail: QueuedMail, now = new Date()): Promise<boolean> {
  const keepRedacted = mail.redacted !== undefined && (smtpConfigured() || settings.production);
  const body = keepRedacted && mail.redacted ? mail.redacted : { text: mail.text, html: mail.html };
  const { count } = await client.mailMessage.createMany({
    data: [
      {
        dedupeKey: mail.dedupeKey,
        toAddress: mail.to,
        subject: mail.subject,
        text: body.text,
        html: body.html,
        createdAt: now,
      },
    ],
    skipDuplicates: true,
  });
  if (count === 1 && keepRedacted)
    fullBodies.set(mail.dedupeKey, { to: mail.to, subject: mail.subject, text: mail.text, html: mail.html });
  return count === 1;
}

async function deliverOne(dedupeKey: string): Promise<void> {
  if (!smtpConfigured()) {
    fullBodies.delete(dedupeKey);
    return;
  }
  // The claim: of several deliverers (instances, repeated hooks) exactly one flips sent_at.
  const [row] = await db.mailMessage.updateManyAndReturn({
    where: { dedupeKey, sentAt: null, error: null },
    data: { sentAt: new Date() },
    select: { id: true, toAddress: true, subject: true, text: true, html: true },
  });
  const full = fullBodies.get(dedupeKey);
  fullBodies.delete(dedupeKey);
  if (!row) return;
  try {
    await sendViaSmtp({
      to: row.toAddress,
      subject: row.subject,
      text: full?.text ?? row.text,
      html: full?.html ?? row.html,
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await db.mailMessage.update({ where: { id: row.id }, data: { sentAt: null, error: message.slice(0, 500) } });
    console.error(`[lokdown] could not send mail ${row.id}: ${message}`);
  }
}

/** Sends a row that is already committed. Never throws: a mail problem must not undo the change it reports. */
export async function deliverNow(dedupeKey: string): Promise<void> {
  const task = deliverOne(dedupeKey);
  track(task);
  await task.catch(() => undefined);
}

const MAX_WAIT_MS = 60_000;

/**
 * Sends a row written in the still-open transaction `tx` once that transaction has committed, and
 * drops it if it rolls back. PostgreSQL reports the outcome by transaction id (txid_status), so
 * nothing is guessed from timing.
 */
export async function deliverAfterCommit(tx: DbClient, dedupeKey: string): Promise<void> {
  if (!smtpConfigured()) return;
  const [current] = await tx.$queryRaw<{ id: string }[]>`SELECT txid_current()::text AS id`;
  const txid = current?.id;
  if (!txid) return;
  track(
    (async () => {
      for (let waited = 0, delay = 5; waited < MAX_WAIT_MS; waited += delay, delay = Math.min(delay * 2, 200)) {
        const [row] = await db.$queryRaw<{ status: string | null }[]>`SELECT txid_status(${txid}::bigint) AS status`;
        const status = row?.status ?? null;
        if (status === "aborted") break;
        if (status !== "in progress") return deliverOne(dedupeKey);
        await new Promise((resolve) => setTimeout(resolve, delay).unref());
      }
      fullBodies.delete(dedupeKey);
    })(),
  );
}

/** Whether /dev/mail may show the outbox: never in production. */
export function devOutboxEnabled(): boolean {
  return !settings.production;
}

export type StoredMail = {
  id: number;
  to: string;
  subject: string;
  text: string;
  html: string;
  createdAt: Date;
  sentAt: Date | null;
  error: string | null;
};

/** The newest messages, for the development outbox page. */
export async function listRecentMail(limit = 50): Promise<StoredMail[]> {
  const rows = await db.mailMessage.findMany({ orderBy: { id: "desc" }, take: limit });
  return rows.map((r) => ({
    id: r.id,
    to: r.toAddress,
    subject: r.subject,
    text: r.text,
    html: r.html,
    createdAt: r.createdAt,
    sentAt: r.sentAt,
    error: r.error,
  }));
}
