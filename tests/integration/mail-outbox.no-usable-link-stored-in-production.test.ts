import { describe, expect, it } from "vitest";
import * as forgot from "@/app/api/auth/password/forgot/route";
import { db } from "@/lib/db";
import { notifySecurityEvent } from "@/lib/auth/notices/security-mail";
import { settleMailDeliveries } from "@/lib/mail/outbox";
import { call } from "../helpers/http";
import { overrideSettings } from "../helpers/settings";
import { makeUser } from "../helpers/users";

/** Finding 15.7: in production without SMTP, reset and "this wasn't me" links sat readable in mail_messages. */

const storedFor = async (email: string) => {
  await settleMailDeliveries();
  return db.mailMessage.findMany({ where: { toAddress: email }, orderBy: { id: "asc" } });
};

describe("mail_messages in production", () => {
  it("keeps only the redacted text of a message with a secret link, even without SMTP", async () => {
    overrideSettings({ production: true, mail: { smtp: null } });
    const user = await makeUser();
    await call(forgot.POST, "POST", "/api/auth/password/forgot", { body: { email: user.email } });
    await notifySecurityEvent({ kind: "password_changed", via: "change", userId: user.id, ref: "prod-1" });
    const rows = await storedFor(user.email);
    expect(rows.map((r) => r.subject.replace(/^\[[^\]]*\] /, "")).sort()).toEqual([
      "Reset your password",
      "Your password was changed",
    ]);
    for (const row of rows) {
      for (const body of [row.text, row.html]) {
        expect(body).not.toMatch(/token=/);
        expect(body).toContain("link removed from the stored copy");
      }
    }
  });

  it("outside production without SMTP keeps the full text: it is the delivery (/dev/mail, tests)", async () => {
    overrideSettings({ production: false, mail: { smtp: null } });
    const user = await makeUser();
    await call(forgot.POST, "POST", "/api/auth/password/forgot", { body: { email: user.email } });
    const [row] = await storedFor(user.email);
    expect(row?.text).toMatch(/\/reset-password\?token=[\w-]{43}/);
  });
});
