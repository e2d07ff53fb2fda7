import "server-only";
import { db } from "@/lib/db";
import { fail, ok, type Result } from "../errors";
import type { AccountActor } from "../two-factor/account-security";
import type { ClientInfo } from "../request/client";
import { recordSecurityEvent } from "../audit";
import { checkPasswordStrength, hashPassword, PASSWORD_PROBLEMS } from "./password";
import { cancelOutstandingLinks } from "../notices/outstanding-links";
import { notifySecurityEvent } from "../notices/security-mail";
import { revokeSessionsOf } from "../sessions/user-sessions";
import { authorize, verifyCurrentPassword, type StepUpProof } from "../policy/step-up";

/** A weak new password as weak_password with field errors in DRF's shape under `field`. */
export function checkNewPassword(password: string, username: string, field = "new_password"): Result<void> {
  const problems = checkPasswordStrength(password, username);
  if (problems.length === 0) return ok(undefined);
  const messages = problems.map((p) => PASSWORD_PROBLEMS[p]);
  return fail("weak_password", { message: `${field}: ${messages[0]}`, body: { [field]: messages } });
}

/**
 * Changes (or, for an account without one, sets) the password. The current password is required
 * when the account has one (`proof.password`), and the policy ("password.change") must hold: a
 * fresh second factor for an account with one (sent along or proved before), a fresh password
 * otherwise (the current password is that proof), a fresh provider sign-in without a password.
 * The current password is checked first, so a wrong one never spends a backup code. Other sessions are
 * signed out unless the user chose to keep them; trusted browsers, unused reset links and pending
 * e-mail changes always stop working. The caller's own session stays.
 */
export async function changePassword(
  actor: AccountActor,
  input: { newPassword: string; keepOtherSessions: boolean },
  proof: StepUpProof,
  client: ClientInfo,
  now = new Date(),
): Promise<Result<{ sessionsEnded: number }>> {
  const weak = checkNewPassword(input.newPassword, actor.username);
  if (!weak.ok) return weak;
  const current = await verifyCurrentPassword(actor, proof.password, client, now);
  if (!current.ok) return current;
  const stepUp = await authorize("password.change", actor, proof, client, now);
  if (!stepUp.ok) return stepUp;
  const passwordHash = await hashPassword(input.newPassword);
  return db.$transaction(async (tx) => {
    await tx.user.update({ where: { id: actor.userId }, data: { passwordHash } });
    const { count } = input.keepOtherSessions
      ? { count: 0 }
      : await revokeSessionsOf(tx, actor.userId, actor.sessionId, "password_changed", now);
    // A reset link or an e-mail change someone asked for before the change must not outlive it.
    await cancelOutstandingLinks(tx, actor.userId, now);
    const eventId = await recordSecurityEvent(
      { type: "password.changed", userId: actor.userId, client, details: { sessions_ended: count } },
      tx,
    );
    await notifySecurityEvent(
      { kind: "password_changed", via: "change", userId: actor.userId, ref: eventId, client, now },
      tx,
    );
    return ok({ sessionsEnded: count });
  });
}
