import "server-only";
import { db, type Tx } from "@/lib/db";
import { fail, ok, type Failure, type Result } from "../errors";
import type { ClientInfo } from "../request/client";
import { AMR } from "../policy/amr";
import { recordSecurityEvent, type SecurityEventType } from "../audit";
import { checkAttempt, clearFailedAttempts, recordFailedAttempt, type AttemptScope } from "../rate-limit";
import { consumePendingLogin, countFailedCode, lockPendingLogin } from "./pending-logins";
import { clearSecondFactorFailures, countSecondFactorFailure, isSecondFactorLocked } from "../two-factor/lockout";
import type { SessionIssuer } from "./sign-in";

/** What a client may send to complete a pending login. */
export type SecondFactorInput = { totpToken?: string; passkeyResponse?: unknown; backupCode?: string };

export type FactorContext = {
  tx: Tx;
  userId: number;
  username: string;
  loginSessionId: string;
  client: ClientInfo;
  now: Date;
};

/** A second factor that plugs into the login step. */
export type SecondFactor = {
  name: "totp" | "passkey" | "backup_code";
  scope: AttemptScope;
  failureEvent: SecurityEventType;
  /** Whether the request carries this factor. */
  provided(input: SecondFactorInput): boolean;
  /** Whether the user has this factor; a factor not enrolled is skipped, as in django-lokdown. */
  enrolled(tx: Tx, userId: number): Promise<boolean>;
  /** Checks and, where single-use, consumes the proof. Returns the AMR values it establishes. */
  verify(ctx: FactorContext, input: SecondFactorInput): Promise<Result<string[]>>;
};

/**
 * Completes a pending login with one second factor, in one transaction holding the login
 * session's row lock: of several concurrent requests exactly one consumes it and gets a session.
 * `factors` is the ordered list to try (TOTP, then passkey, then backup code).
 */
export async function completePendingLogin<T>(
  sessionId: string,
  input: SecondFactorInput,
  factors: readonly SecondFactor[],
  client: ClientInfo,
  issue: SessionIssuer<T>,
  now = new Date(),
): Promise<Result<T>> {
  return db.$transaction(
    async (tx): Promise<Result<T>> => {
      const pending = await lockPendingLogin(tx, sessionId, client, now);
      if (!pending.ok) return pending;
      const login = pending.value;

      let chosen: SecondFactor | undefined;
      for (const factor of factors) {
        if (!factor.provided(input)) continue;
        if (factor.name === "backup_code" || (await factor.enrolled(tx, login.userId))) {
          chosen = factor;
          break;
        }
      }
      if (!chosen) return fail("no_2fa_method");
      // The account-wide cap (../two-factor/lockout.ts): codes are refused once locked, a passkey is not.
      if (chosen.name !== "passkey" && (await isSecondFactorLocked(tx, login.userId))) {
        await recordSecurityEvent(
          {
            type: chosen.failureEvent,
            userId: login.userId,
            client,
            details: { login_session: login.id, account_locked: true },
          },
          tx,
        );
        return fail("account_second_factor_locked");
      }

      const limited = await checkAttempt(chosen.scope, { ip: client.ip, account: login.username }, now, tx);
      if (!limited.ok) return limited;

      const ctx: FactorContext = {
        tx,
        userId: login.userId,
        username: login.username,
        loginSessionId: login.id,
        client,
        now,
      };
      const verified = await chosen.verify(ctx, input);
      if (!verified.ok) return recordFailure(ctx, chosen, verified);

      await clearFailedAttempts(chosen.scope, { ip: client.ip, account: login.username }, tx);
      await clearSecondFactorFailures(tx, login.userId);
      await consumePendingLogin(tx, login, chosen.name, client, now);
      const firstFactor = login.firstFactor === "oauth" ? AMR.oauth : AMR.password;
      const amr = [...new Set([firstFactor, ...verified.value, AMR.multiFactor])];
      return ok(await issue(tx, { userId: login.userId, amr, client }, now));
    },
    { maxWait: 10_000, timeout: 15_000 },
  );
}

async function recordFailure(ctx: FactorContext, factor: SecondFactor, failure: Failure): Promise<Failure> {
  // Only wrong proofs count against the session; refusals such as "no primary factor" do not.
  if (failure.code === "primary_2fa_required") return failure;
  const locked = await countFailedCode(ctx.tx, ctx.loginSessionId);
  await recordFailedAttempt(factor.scope, { ip: ctx.client.ip, account: ctx.username }, ctx.now, ctx.tx);
  if (factor.name !== "passkey") await countSecondFactorFailure(ctx.tx, ctx.userId, ctx.client, ctx.now);
  await recordSecurityEvent(
    {
      type: factor.failureEvent,
      userId: ctx.userId,
      client: ctx.client,
      details: { login_session: ctx.loginSessionId },
    },
    ctx.tx,
  );
  if (locked) {
    await recordSecurityEvent(
      {
        type: "login.session_locked",
        userId: ctx.userId,
        client: ctx.client,
        details: { login_session: ctx.loginSessionId },
      },
      ctx.tx,
    );
  }
  return failure;
}
