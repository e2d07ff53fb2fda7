import "server-only";
import { db, type Tx } from "@/lib/db";
import { settings } from "@/lib/env";
import { fail, ok, type Result } from "../errors";
import type { ClientInfo } from "../request/client";
import { AMR } from "../policy/amr";
import { recordSecurityEvent } from "../audit";
import { getFactorSummary, hasSecondFactor } from "../two-factor/factor-summary";
import { consumePendingLogin, countFailedCode, lockPendingLogin, type PendingLogin } from "./pending-logins";
import { checkAttempt, clearFailedAttempts, recordFailedAttempt } from "../rate-limit";
import type { SessionIssuer } from "./sign-in";
import { beginTotpSetup, confirmTotpSetupIn, type TotpSetup } from "../two-factor/totp";
import { notifySecurityEvent } from "../notices/security-mail";

/**
 * Staff first login under ADMIN_2FA_REQUIRED: a staff user with no factor enrolls one before
 * getting a session. Allowed only while the user has no factor at all, so a stolen password can
 * never add a factor to an account that has one.
 */
export async function checkEnrollmentAllowed(
  tx: Tx,
  login: PendingLogin,
  factorEnabled: boolean,
  disabledCode: "totp_disabled" | "passkey_disabled",
): Promise<Result<void>> {
  if (!login.isStaff) return fail("not_authorized_for_user");
  if (!settings.admin2faRequired) return fail("admin_2fa_not_required");
  if (hasSecondFactor(await getFactorSummary(login.userId, tx))) return fail("twofa_already_enabled");
  if (!factorEnabled) return fail(disabledCode);
  return ok(undefined);
}

export async function beginLoginTotpSetup(
  sessionId: string,
  client: ClientInfo,
  now = new Date(),
): Promise<Result<TotpSetup>> {
  const allowed = await db.$transaction(async (tx): Promise<Result<PendingLogin>> => {
    const pending = await lockPendingLogin(tx, sessionId, client, now);
    if (!pending.ok) return pending;
    const check = await checkEnrollmentAllowed(tx, pending.value, settings.totpEnabled, "totp_disabled");
    return check.ok ? pending : check;
  });
  if (!allowed.ok) return allowed;
  return beginTotpSetup(allowed.value.userId, now);
}

export async function confirmLoginTotpSetup<T>(
  sessionId: string,
  token: string,
  client: ClientInfo,
  issue: SessionIssuer<T>,
  now = new Date(),
): Promise<Result<{ session: T; backupCodes: string[] }>> {
  return db.$transaction(
    async (tx) => {
      const pending = await lockPendingLogin(tx, sessionId, client, now);
      if (!pending.ok) return pending;
      const login = pending.value;
      const check = await checkEnrollmentAllowed(tx, login, settings.totpEnabled, "totp_disabled");
      if (!check.ok) return check;
      const who = { ip: client.ip, account: login.username };
      const limited = await checkAttempt("totp", who, now, tx);
      if (!limited.ok) return limited;
      const confirmed = await confirmTotpSetupIn(tx, login.userId, token, now);
      if (!confirmed.ok) {
        // A wrong code counts against the pending login like any other (it dies after five).
        if (confirmed.code === "invalid_totp") {
          const locked = await countFailedCode(tx, login.id);
          await recordFailedAttempt("totp", who, now, tx);
          await recordSecurityEvent(
            {
              type: "totp.failed",
              userId: login.userId,
              client,
              details: { login_session: login.id, during: "setup" },
            },
            tx,
          );
          if (locked)
            await recordSecurityEvent(
              { type: "login.session_locked", userId: login.userId, client, details: { login_session: login.id } },
              tx,
            );
        }
        return confirmed;
      }
      await clearFailedAttempts("totp", who, tx);
      await consumePendingLogin(tx, login, "totp", client, now);
      const eventId = await recordSecurityEvent(
        { type: "totp.enabled", userId: login.userId, client, details: { during_login: true } },
        tx,
      );
      await notifySecurityEvent(
        { kind: "two_factor_enabled", method: "totp", userId: login.userId, ref: eventId, client, now },
        tx,
      );
      const firstFactor = login.firstFactor === "oauth" ? AMR.oauth : AMR.password;
      const session = await issue(
        tx,
        { userId: login.userId, amr: [firstFactor, AMR.totp, AMR.multiFactor], client },
        now,
      );
      return ok({ session, backupCodes: confirmed.value.backupCodes });
    },
    { maxWait: 10_000, timeout: 15_000 },
  );
}
