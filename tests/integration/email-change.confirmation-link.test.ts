import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as forgot from "@/app/api/auth/password/forgot/route";
import { db } from "@/lib/db";
import { settings } from "@/lib/env";
import {
  confirmEmailChange,
  describeEmailChange,
  getPendingEmailChange,
  requestEmailChange,
} from "@/lib/auth/account/email-change";
import { describePasswordReset } from "@/lib/auth/password/reset";
import { sha256Hex } from "@/lib/auth/secrets";
import { call, newClient } from "../helpers/http";
import { inbox, subjects, useSmtp } from "../helpers/mail";
import { linkIn, startSmtpServer, type TestSmtpServer } from "../helpers/smtp";
import { accessTokenFor, advanceTime, freezeTime } from "../helpers/two-factor";
import { makeUser } from "../helpers/users";

let smtp: TestSmtpServer;
beforeAll(async () => {
  smtp = await startSmtpServer();
});
afterAll(async () => {
  await smtp.stop();
});

/** A signed-in user (fresh step-up) as the actor of account actions. */
async function signedIn() {
  const user = await makeUser();
  await accessTokenFor(user);
  const session = await db.authSession.findFirstOrThrow({ where: { userId: user.id } });
  return { user, actor: { userId: user.id, username: user.username, isStaff: false, sessionId: session.id } };
}

async function confirmationToken(address: string): Promise<string> {
  const mails = await inbox(smtp, address);
  const last = mails[mails.length - 1];
  return (
    new URL(
      linkIn(last?.text ?? "", `${settings.webauthn.origins[0]}/account/profile/confirm-email?token=`),
    ).searchParams.get("token") ?? ""
  );
}

describe("changing the e-mail address", () => {
  it("changes nothing until the link sent to the new address is opened, once; then tells the old address", async () => {
    useSmtp(smtp);
    const { user, actor } = await signedIn();
    const client = newClient();
    const newAddress = `${user.username}@new.example.org`;
    const requested = await requestEmailChange(actor, ` ${newAddress.toUpperCase()} `, {}, client);
    expect(requested.ok && requested.value.newEmail).toBe(newAddress);
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).email).toBe(user.email);
    expect((await getPendingEmailChange(user.id))?.newEmail).toBe(newAddress);

    const token = await confirmationToken(newAddress);
    expect((await db.emailChangeRequest.findFirstOrThrow({ where: { userId: user.id } })).tokenHash).toBe(
      sha256Hex(token),
    );
    expect(await describeEmailChange(token)).toEqual({ username: user.username, newEmail: newAddress });

    const confirmed = await confirmEmailChange(token, client);
    expect(confirmed.ok && confirmed.value.email).toBe(newAddress);
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).email).toBe(newAddress);
    const again = await confirmEmailChange(token, client);
    expect(again.ok ? "ok" : again.code).toBe("invalid_email_change_token");
    expect(await getPendingEmailChange(user.id)).toBeNull();

    const notice = await inbox(smtp, user.email);
    expect(subjects(notice)).toEqual(["Your e-mail address was changed"]);
    expect(notice[0]?.text).toContain("/secure-account?token=");
  });

  it("a newer request replaces the older one; links expire after LOKDOWN_EMAIL_CHANGE_HOURS", async () => {
    freezeTime();
    useSmtp(smtp);
    const { user, actor } = await signedIn();
    await requestEmailChange(actor, "first@new.example.org", {}, newClient());
    const first = await confirmationToken("first@new.example.org");
    await requestEmailChange(actor, "second@new.example.org", {}, newClient());
    const second = await confirmationToken("second@new.example.org");
    expect((await confirmEmailChange(first, newClient())).ok).toBe(false);
    advanceTime(settings.emailChangeHours * 3_600_000 + 1_000);
    const late = await confirmEmailChange(second, newClient());
    expect(late.ok ? "ok" : late.code).toBe("invalid_email_change_token");
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).email).toBe(user.email);
  });

  it("refuses a malformed address, the current one and one in use; a race for the address is settled at confirmation", async () => {
    useSmtp(smtp);
    const { user, actor } = await signedIn();
    const other = await makeUser();
    const code = async (email: string) => {
      const r = await requestEmailChange(actor, email, {}, newClient());
      return r.ok ? "ok" : r.code;
    };
    expect(await code("not an address")).toBe("validation_error");
    expect(await code(user.email)).toBe("same_email");
    expect(await code(other.email)).toBe("email_taken");

    expect(await code("contested@example.org")).toBe("ok");
    const token = await confirmationToken("contested@example.org");
    await db.user.update({ where: { id: other.id }, data: { email: "contested@example.org" } });
    const lost = await confirmEmailChange(token, newClient());
    expect(lost.ok ? "ok" : lost.code).toBe("email_taken");
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).email).toBe(user.email);
  });

  it("ends password reset links sent to the old address", async () => {
    useSmtp(smtp);
    const { user, actor } = await signedIn();
    await call(forgot.POST, "POST", "/api/auth/password/forgot", { body: { email: user.email } });
    const mails = await inbox(smtp, user.email);
    const resetToken =
      new URL(linkIn(mails[0]?.text ?? "", `${settings.webauthn.origins[0]}/reset-password?token=`)).searchParams.get(
        "token",
      ) ?? "";
    expect(await describePasswordReset(resetToken)).not.toBeNull();
    await requestEmailChange(actor, "moved@new.example.org", {}, newClient());
    expect((await confirmEmailChange(await confirmationToken("moved@new.example.org"), newClient())).ok).toBe(true);
    expect(await describePasswordReset(resetToken)).toBeNull();
  });
});
