import { describe, expect, it } from "vitest";
import * as login from "@/app/api/auth/login/route";
import * as token from "@/app/api/auth/token/route";
import * as verify from "@/app/api/auth/verify/route";
import * as verifyBackup from "@/app/api/auth/2fa/verify/backup/route";
import * as setupTotp from "@/app/api/auth/2fa/setup/totp/route";
import * as verifyTotp from "@/app/api/auth/2fa/verify/totp/route";
import { call, newClient, type Client } from "../helpers/http";
import { overrideSettings } from "../helpers/settings";
import { makeUser } from "../helpers/users";
import {
  advanceTime,
  enrollTotp,
  freezeTime,
  passwordLogin,
  startSecondFactorLogin,
  totpNow,
} from "../helpers/two-factor";

type Res = Awaited<ReturnType<typeof call>>;

function expect429(res: Res, code: "rate_limited" | "backup_code_rate_limited") {
  expect(res.status).toBe(429);
  expect(res.headers.get("content-type")).toMatch(/application\/json/);
  expect(res.json).toEqual({
    error: code === "rate_limited" ? "Too many authentication attempts" : "Too many backup code attempts",
    code,
  });
  const retryAfter = Number(res.headers.get("retry-after"));
  expect(Number.isInteger(retryAfter)).toBe(true);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  return retryAfter;
}

async function wrongCodeFor(secret: string): Promise<string> {
  const near = await Promise.all([-1, 0, 1].map((o) => totpNow(secret, o)));
  return ["000000", "111111", "222222", "333333"].find((c) => !near.includes(c)) ?? "444444";
}

describe("LOGIN_INIT_RATE_LIMIT (default 10/m per IP)", () => {
  it("the 11th password attempt from one IP in a minute is 429 with Retry-After; other IPs are unaffected", async () => {
    freezeTime();
    const user = await makeUser();
    const client = newClient();
    for (let i = 0; i < 10; i++) {
      const res = await call(login.POST, "POST", "/api/auth/login", {
        client,
        body: { username: `nobody${i}`, password: "whatever-123" },
      });
      expect(res.status).toBe(401);
    }
    const limited = await passwordLogin(user, client);
    expect(expect429(limited, "rate_limited")).toBeLessThanOrEqual(60);
    expect((await passwordLogin(user, newClient())).status).toBe(200);
    advanceTime(61_000);
    expect((await passwordLogin(user, client)).status).toBe(200);
  });

  it("/auth/token shares the limit (no unlimited password path, W7)", async () => {
    freezeTime();
    const user = await makeUser();
    const client = newClient();
    for (let i = 0; i < 10; i++)
      await call(login.POST, "POST", "/api/auth/login", {
        client,
        body: { username: `nobody${i}`, password: "whatever-123" },
      });
    const res = await call(token.POST, "POST", "/api/auth/token", {
      client,
      body: { username: user.username, password: user.password },
    });
    expect429(res, "rate_limited");
  });

  it("honours a configured rate", async () => {
    freezeTime();
    overrideSettings({ rateLimits: { login: { limit: 2, windowSeconds: 60 } } });
    const user = await makeUser();
    const client = newClient();
    expect((await passwordLogin(user, client)).status).toBe(200);
    expect((await passwordLogin(user, client)).status).toBe(200);
    expect429(await passwordLogin(user, client), "rate_limited");
  });
});

describe("per-account backoff (keyed by account and IP)", () => {
  it("slows down the guessing IP but never locks the real user out from elsewhere", async () => {
    freezeTime();
    const victim = await makeUser();
    const attacker = newClient();
    for (let i = 0; i < 5; i++) {
      const res = await passwordLogin({ username: victim.username, password: `guess-number-${i}` }, attacker);
      expect(res.status).toBe(401);
    }
    // Even the right password waits at the attacker's address...
    expect429(await passwordLogin(victim, attacker), "rate_limited");
    // ...while the victim signs in from their own.
    expect((await passwordLogin(victim, newClient())).status).toBe(200);
  });

  it("the wait grows with further failures and passes with time", async () => {
    freezeTime();
    const victim = await makeUser();
    const attacker = newClient();
    for (let i = 0; i < 5; i++)
      await passwordLogin({ username: victim.username, password: `guess-number-${i}` }, attacker);
    const first = expect429(await passwordLogin(victim, attacker), "rate_limited");
    advanceTime(first * 1000);
    expect((await passwordLogin({ username: victim.username, password: "guess-again-1" }, attacker)).status).toBe(401);
    const second = expect429(await passwordLogin(victim, attacker), "rate_limited");
    expect(second).toBeGreaterThan(first);
    advanceTime(second * 1000);
    expect((await passwordLogin(victim, attacker)).status).toBe(200);
  });

  it("applies to TOTP codes too, per account and IP", async () => {
    freezeTime();
    const user = await makeUser();
    const { secret } = await enrollTotp(user);
    const attacker = newClient();
    const wrong = await wrongCodeFor(secret);
    // Two pending logins (each dies after 5 wrong codes), one address.
    const s1 = await startSecondFactorLogin(user, attacker);
    for (let i = 0; i < 5; i++)
      expect(
        (
          await call(verify.POST, "POST", "/api/auth/verify", {
            client: attacker,
            body: { session_id: s1, totp_token: wrong },
          })
        ).status,
      ).toBe(401);
    const s2 = await startSecondFactorLogin(user, attacker);
    expect429(
      await call(verify.POST, "POST", "/api/auth/verify", {
        client: attacker,
        body: { session_id: s2, totp_token: await totpNow(secret) },
      }),
      "rate_limited",
    );
    const own = newClient();
    const s3 = await startSecondFactorLogin(user, own);
    expect(
      (
        await call(verify.POST, "POST", "/api/auth/verify", {
          client: own,
          body: { session_id: s3, totp_token: await totpNow(secret) },
        })
      ).status,
    ).toBe(200);
  });
});

describe("TOTP_VERIFY_RATE_LIMIT (default 10/m per IP)", () => {
  it("the 11th TOTP attempt from one IP is 429, even with the right code", async () => {
    freezeTime();
    const client = newClient();
    const users = await Promise.all([makeUser(), makeUser(), makeUser()]);
    const enrolled = [];
    for (const u of users) enrolled.push(await enrollTotp(u));
    const sessions = [];
    for (const u of users) sessions.push(await startSecondFactorLogin(u, client));
    // 4 + 4 + 2 wrong codes: below the per-session (5) and per-account (5) caps, at the IP cap.
    const plan = [0, 0, 0, 0, 1, 1, 1, 1, 2, 2];
    for (const i of plan) {
      const res = await call(verify.POST, "POST", "/api/auth/verify", {
        client,
        body: { session_id: sessions[i], totp_token: await wrongCodeFor(enrolled[i]?.secret ?? "") },
      });
      expect(res.status).toBe(401);
    }
    const res = await call(verify.POST, "POST", "/api/auth/verify", {
      client,
      body: { session_id: sessions[2], totp_token: await totpNow(enrolled[2]?.secret ?? "") },
    });
    expect(expect429(res, "rate_limited")).toBeLessThanOrEqual(60);
  });

  it("counts successes too, and honours a configured rate", async () => {
    freezeTime();
    overrideSettings({ rateLimits: { totp: { limit: 2, windowSeconds: 60 } } });
    const user = await makeUser();
    const { secret } = await enrollTotp(user);
    const client = newClient();
    for (const steps of [0, 1]) {
      const session_id = await startSecondFactorLogin(user, client);
      expect(
        (
          await call(verify.POST, "POST", "/api/auth/verify", {
            client,
            body: { session_id, totp_token: await totpNow(secret, steps) },
          })
        ).status,
      ).toBe(200);
    }
    const session_id = await startSecondFactorLogin(user, client);
    expect429(
      await call(verify.POST, "POST", "/api/auth/verify", {
        client,
        body: { session_id, totp_token: await totpNow(secret, 0) },
      }),
      "rate_limited",
    );
  });
});

describe("BACKUP_CODE_RATE_LIMIT (default 10/m per IP)", () => {
  it("the 11th backup-code attempt from one IP is 429 Too many backup code attempts, across both endpoints", async () => {
    freezeTime();
    const client = newClient();
    const users = await Promise.all([makeUser(), makeUser(), makeUser()]);
    const enrolled = [];
    for (const u of users) enrolled.push(await enrollTotp(u));
    const sessions: string[] = [];
    for (const u of users) sessions.push(await startSecondFactorLogin(u, client));
    const plan = [0, 0, 0, 0, 1, 1, 1, 1, 2, 2];
    for (const [n, i] of plan.entries()) {
      const handler = n % 2 === 0 ? verify.POST : verifyBackup.POST;
      const res = await call(handler, "POST", "/api/auth/verify", {
        client,
        body: { session_id: sessions[i], backup_code: "WRONGWRONG" },
      });
      expect(res.status).toBe(401);
    }
    const res = await call(verifyBackup.POST, "POST", "/api/auth/2fa/verify/backup", {
      client,
      body: { session_id: sessions[2], backup_code: enrolled[2]?.backupCodes[0] },
    });
    expect429(res, "backup_code_rate_limited");
    // Other addresses are unaffected.
    const other: Client = newClient();
    const s = await startSecondFactorLogin(users[2] ?? { username: "", password: "" }, other);
    expect(
      (
        await call(verifyBackup.POST, "POST", "/api/auth/2fa/verify/backup", {
          client: other,
          body: { session_id: s, backup_code: enrolled[2]?.backupCodes[0] },
        })
      ).status,
    ).toBe(200);
  });
});

describe("TOTP enrollment shares the TOTP limiter (W7)", () => {
  it("/2fa/verify/totp answers 429 past TOTP_VERIFY_RATE_LIMIT, even with the right code", async () => {
    freezeTime();
    overrideSettings({ rateLimits: { totp: { limit: 3, windowSeconds: 60 } } });
    const user = await makeUser();
    const client = newClient();
    const login = await passwordLogin(user, client);
    const access = login.json.access_token as string;
    const setup = await call(setupTotp.POST, "POST", "/api/auth/2fa/setup/totp", { client, token: access });
    const secret = setup.json.secret as string;
    const wrong = await wrongCodeFor(secret);
    for (let i = 0; i < 3; i++) {
      expect(
        (
          await call(verifyTotp.POST, "POST", "/api/auth/2fa/verify/totp", {
            client,
            token: access,
            body: { totp_token: wrong },
          })
        ).status,
      ).toBe(401);
    }
    const res = await call(verifyTotp.POST, "POST", "/api/auth/2fa/verify/totp", {
      client,
      token: access,
      body: { totp_token: await totpNow(secret) },
    });
    expect429(res, "rate_limited");
  });
});
