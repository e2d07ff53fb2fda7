import { settleMailDeliveries } from "@/lib/mail/outbox";
import { overrideSettings } from "./settings";
import type { ReceivedMail, TestSmtpServer } from "./smtp";

/** Points the app's SMTP settings at the test server for the current test, with an empty inbox. */
export function useSmtp(server: TestSmtpServer): void {
  overrideSettings({ mail: { smtp: { host: server.host, port: server.port, secure: false, auth: null } } });
  server.clear();
}

/** Waits for every delivery started so far, then returns what reached `address`. */
export async function inbox(server: TestSmtpServer, address: string): Promise<ReceivedMail[]> {
  await settleMailDeliveries();
  return server.to(address);
}

export const subjects = (mails: ReceivedMail[]): string[] => mails.map((m) => m.subject.replace(/^\[[^\]]*\] /, ""));
