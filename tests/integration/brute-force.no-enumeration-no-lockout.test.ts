import { describe, expect, it, vi } from "vitest";
import * as login from "@/app/api/auth/login/route";
import * as token from "@/app/api/auth/token/route";
import * as register from "@/app/api/auth/register/route";
import * as password from "@/lib/auth/password/password";
import { db } from "@/lib/db";
import { call, newClient } from "../helpers/http";
import { overrideSettings } from "../helpers/settings";
import { makeUser } from "../helpers/users";

/**
 * Brute force and enumeration: unknown users and wrong passwords cost the same time, and an
 * attacker who fails a victim's password many times slows only themselves down.
 */

type Sample = { unknown: number[]; wrong: number[] };

/** Mann-Whitney U, normal approximation: |z| of the rank-sum difference between two samples. */
function mannWhitneyZ(a: number[], b: number[]): number {
  const all = [...a.map((v) => ({ v, from: 0 })), ...b.map((v) => ({ v, from: 1 }))].sort((x, y) => x.v - y.v);
  let rankA = 0;
  for (let i = 0; i < all.length; ) {
    let j = i;
    while (j < all.length && all[j]?.v === all[i]?.v) j++;
    const rank = (i + 1 + j) / 2;
    for (let k = i; k < j; k++) if (all[k]?.from === 0) rankA += rank;
    i = j;
  }
  const u = rankA - (a.length * (a.length + 1)) / 2;
  const mean = (a.length * b.length) / 2;
  const sd = Math.sqrt((a.length * b.length * (a.length + b.length + 1)) / 12);
  return Math.abs((u - mean) / sd);
}

const median = (values: number[]) => {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};

/**
 * Interleaved, alternating which goes first, so that load on a shared machine and any cost of
 * going second hit both groups alike. Each call from a new IP.
 */
async function timeLogins(
  path: "/api/auth/login" | "/api/auth/token",
  existing: string,
  samples = 30,
): Promise<Sample> {
  const handler = path === "/api/auth/login" ? login.POST : token.POST;
  const once = async (username: string) => {
    const started = performance.now();
    const res = await call(handler, "POST", path, {
      client: newClient(),
      body: { username, password: "not the password 1" },
    });
    const elapsed = performance.now() - started;
    expect(res.status).toBe(401);
    return { elapsed, body: res.text };
  };
  // Warm-up: the dummy hash for unknown users is computed on first use.
  await once(`warmup-${Date.now()}`);
  await once(existing);
  const result: Sample = { unknown: [], wrong: [] };
  for (let i = 0; i < samples; i++) {
    const nobody = `nobody-${i}-${Math.random().toString(36).slice(2, 8)}`;
    const first = await once(i % 2 === 0 ? nobody : existing);
    const second = await once(i % 2 === 0 ? existing : nobody);
    const [unknown, wrong] = i % 2 === 0 ? [first, second] : [second, first];
    expect(unknown.body).toBe(wrong.body);
    result.unknown.push(unknown.elapsed);
    result.wrong.push(wrong.elapsed);
  }
  return result;
}

/**
 * Indistinguishable: medians within 25 % of each other and no significant rank difference
 * (|z| < 3.29, two-sided p > 0.001). Without the dummy hash the groups separate completely (|z| ≈ 6.6).
 */
function expectIndistinguishable(sample: Sample): void {
  const [mu, mw] = [median(sample.unknown), median(sample.wrong)];
  const z = mannWhitneyZ(sample.unknown, sample.wrong);
  const summary = `median unknown ${mu.toFixed(1)} ms, wrong password ${mw.toFixed(1)} ms, |z| = ${z.toFixed(2)}`;
  console.log(`[brute-force] ${summary}`);
  expect(Math.abs(mu - mw) / Math.max(mu, mw), summary).toBeLessThan(0.25);
  expect(z, summary).toBeLessThan(3.29);
}

describe("no user enumeration by timing", () => {
  it("login: unknown users and wrong passwords answer alike and in indistinguishable time (30 samples each)", async () => {
    overrideSettings({ rateLimits: { login: { limit: 1000, windowSeconds: 60 } } });
    const user = await makeUser();
    expectIndistinguishable(await timeLogins("/api/auth/login", user.username));
  }, 120_000);

  it("token (SimpleJWT): the same", async () => {
    overrideSettings({ rateLimits: { login: { limit: 1000, windowSeconds: 60 } } });
    const user = await makeUser();
    expectIndistinguishable(await timeLogins("/api/auth/token", user.username));
  }, 120_000);

  it("the measurement is sharp enough to see a missing dummy hash (so the tests above can fail)", async () => {
    overrideSettings({ rateLimits: { login: { limit: 1000, windowSeconds: 60 } } });
    const user = await makeUser();
    vi.spyOn(password, "burnPasswordCheck").mockResolvedValue(undefined);
    const sample = await timeLogins("/api/auth/login", user.username, 15);
    vi.restoreAllMocks();
    expect(mannWhitneyZ(sample.unknown, sample.wrong)).toBeGreaterThan(3.29);
    expect(median(sample.unknown)).toBeLessThan(median(sample.wrong) * 0.75);
  }, 120_000);
});

describe("sign-up reveals taken usernames, by decision, only at the sign-up rate", () => {
  it("says a username is taken (as most sites do) but counts every attempt against the IP's password window", async () => {
    overrideSettings({ signupEnabled: true, rateLimits: { login: { limit: 5, windowSeconds: 60 } } });
    const user = await makeUser();
    const client = newClient();
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) {
      const res = await call(register.POST, "POST", "/api/auth/register", {
        client,
        body: { username: user.username, email: `probe${i}@example.com`, password: "probing passphrase 9" },
      });
      statuses.push(res.status);
      if (res.status === 400) expect(res.json.code).toBe("username_taken");
    }
    expect(statuses).toEqual([400, 400, 400, 400, 400, 429, 429]);
  });
});

describe("per-account backoff never locks the real user out", () => {
  it("after 50 failures from attacker IPs, the victim signs in from their own IP at once", async () => {
    const victim = await makeUser();
    const attackers = Array.from({ length: 5 }, () => newClient("attacker"));
    const statuses: number[] = [];
    for (let i = 0; i < 50; i++) {
      const res = await call(login.POST, "POST", "/api/auth/login", {
        client: attackers[i % attackers.length],
        body: { username: victim.username, password: `guess ${i}` },
      });
      statuses.push(res.status);
    }
    // The attackers were refused, and slowed down: backoff and the IP window turn them away.
    expect(statuses.every((s) => s === 401 || s === 429)).toBe(true);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
    const victimClient = newClient("victim's browser");
    const signedIn = await call(login.POST, "POST", "/api/auth/login", {
      client: victimClient,
      body: { username: victim.username, password: victim.password },
    });
    expect(signedIn.status).toBe(200);
    expect(typeof signedIn.json.access_token).toBe("string");
  });

  it("the attacker's own IP is the one that backs off, with Retry-After", async () => {
    overrideSettings({ rateLimits: { login: { limit: 1000, windowSeconds: 60 } } });
    const victim = await makeUser();
    const attacker = newClient("attacker");
    const answers: { status: number; retryAfter: number }[] = [];
    for (let i = 0; i < 8; i++) {
      const res = await call(login.POST, "POST", "/api/auth/login", {
        client: attacker,
        body: { username: victim.username, password: `guess ${i}` },
      });
      answers.push({ status: res.status, retryAfter: Number(res.headers.get("retry-after") ?? 0) });
    }
    expect(answers.slice(0, 5).map((a) => a.status)).toEqual([401, 401, 401, 401, 401]);
    expect(answers[5]?.status).toBe(429);
    expect(answers[5]?.retryAfter).toBeGreaterThan(0);
    // Even the right password waits out the backoff from that IP, so guessing cannot be sped up.
    const fromAttacker = await call(login.POST, "POST", "/api/auth/login", {
      client: attacker,
      body: { username: victim.username, password: victim.password },
    });
    expect(fromAttacker.status).toBe(429);
    const fromVictim = await call(login.POST, "POST", "/api/auth/login", {
      client: newClient(),
      body: { username: victim.username, password: victim.password },
    });
    expect(fromVictim.status).toBe(200);
    expect(await db.user.count({ where: { id: victim.id, isActive: true } })).toBe(1);
  });
});
