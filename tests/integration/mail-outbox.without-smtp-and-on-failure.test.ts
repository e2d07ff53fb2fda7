import { proveSecondFactorNow } from "../helpers/step-up";
import { createServer, type AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import * as regenerate from "@/app/api/auth/2fa/backup-codes/regenerate/route";
import { db } from "@/lib/db";
import { notifySecurityEvent } from "@/lib/auth/notices/security-mail";
import { devOutboxEnabled, listRecentMail, settleMailDeliveries } from "@/lib/mail/outbox";
import { call } from "../helpers/http";
import { overrideSettings } from "../helpers/settings";
import { enrollTotp, freezeTime } from "../helpers/two-factor";
import { makeUser } from "../helpers/users";

/** A port nobody listens on: connections are refused at once. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe("the outbox", () => {
  it("without SMTP keeps every message, links included, for /dev/mail; production never shows it", async () => {
    overrideSettings({ mail: { smtp: null } });
    const user = await makeUser();
    await notifySecurityEvent({ kind: "password_changed", via: "change", userId: user.id, ref: "e1" });
    await settleMailDeliveries();
    const [mail] = await listRecentMail();
    expect(mail).toMatchObject({
      to: user.email,
      subject: "[next-lokdown] Your password was changed",
      sentAt: null,
      error: null,
    });
    expect(mail?.text).toContain("/secure-account?token=");
    expect(devOutboxEnabled()).toBe(true);
    overrideSettings({ production: true });
    expect(devOutboxEnabled()).toBe(false);
  });

  it("records a delivery failure without failing the change that caused it, and never retries it into a duplicate", async () => {
    freezeTime();
    overrideSettings({ mail: { smtp: { host: "127.0.0.1", port: await closedPort(), secure: false, auth: null } } });
    const user = await makeUser();
    const { access } = await enrollTotp(user);
    await proveSecondFactorNow(access); // adding a factor (or new codes) needs a fresh second factor
    const res = await call(regenerate.POST, "POST", "/api/auth/2fa/backup-codes/regenerate", {
      token: access,
      body: {},
    });
    expect(res.status).toBe(200);
    await settleMailDeliveries();
    const rows = await db.mailMessage.findMany({ where: { toAddress: user.email }, orderBy: { id: "asc" } });
    expect(rows.map((r) => r.dedupeKey.split(":")[0])).toEqual(["two_factor_enabled", "backup_codes_regenerated"]);
    for (const row of rows) {
      expect(row.sentAt).toBeNull();
      expect(row.error).toMatch(/ECONNREFUSED|connect/i);
    }
  });
});
