import { describe, expect, it } from "vitest";
import * as refresh from "@/app/api/auth/token/refresh/route";
import * as verify from "@/app/api/auth/verify/route";
import { db } from "@/lib/db";
import { call, newClient } from "../helpers/http";
import { makeUser } from "../helpers/users";
import { enrollTotp, freezeTime, passwordLogin, startSecondFactorLogin, totpNow } from "../helpers/two-factor";

/**
 * Secrets that are good once stay good once when 20 requests race for them in one process (the
 * multi-instance e2e suite repeats this across two servers). Each guard is a row lock or a
 * conditional update; removing it makes these fail.
 */

describe("20 concurrent requests, one single-use secret", () => {
  it("one refresh token: exactly one rotation wins, and the losers revoke the family", async () => {
    const user = await makeUser();
    const client = newClient();
    const login = await passwordLogin(user, client);
    const token = login.json.refresh_token as string;
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        call(refresh.POST, "POST", "/api/auth/token/refresh", { client, body: { refresh: token } }),
      ),
    );
    const statuses = results.map((r) => r.status);
    expect(
      statuses.filter((s) => s === 200),
      statuses.join(","),
    ).toHaveLength(1);
    expect(statuses.filter((s) => s === 401)).toHaveLength(19);
    const session = await db.authSession.findFirstOrThrow({ where: { userId: user.id } });
    expect(session.revokedReason).toBe("refresh_token_reuse");
    expect(await db.refreshToken.count({ where: { sessionId: session.id } })).toBe(2);
  });

  it("one TOTP code over 20 pending logins: exactly one sign-in", async () => {
    freezeTime();
    const user = await makeUser();
    const { secret } = await enrollTotp(user);
    const clients = Array.from({ length: 20 }, () => newClient());
    const sessions = await Promise.all(clients.map((client) => startSecondFactorLogin(user, client)));
    const code = await totpNow(secret);
    const results = await Promise.all(
      clients.map((client, i) =>
        call(verify.POST, "POST", "/api/auth/verify", { client, body: { session_id: sessions[i], totp_token: code } }),
      ),
    );
    const statuses = results.map((r) => r.status);
    expect(
      statuses.filter((s) => s === 200),
      statuses.join(","),
    ).toHaveLength(1);
    expect(statuses.filter((s) => s === 401)).toHaveLength(19);
    expect(await db.authSession.count({ where: { userId: user.id } })).toBe(2);
  });
});
