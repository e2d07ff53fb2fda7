import { generate } from "otplib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAppServer, type AppServer } from "../helpers/server";

/**
 * Two production instances on one database behave as one: state lives in PostgreSQL only.
 * Both trust one proxy hop, so each test can speak from its own client address.
 */
let a: AppServer;
let b: AppServer;

beforeAll(async () => {
  const env = { LOKDOWN_TRUSTED_PROXIES: "1", LOKDOWN_SIGNUP_ENABLED: "true", LOGIN_INIT_RATE_LIMIT: "10/m" };
  [a, b] = await Promise.all([startAppServer(env), startAppServer(env)]);
});
afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
});

let ipCounter = 0;
const newIp = () => `198.51.100.${(ipCounter += 1)}`;

async function post(server: AppServer, path: string, body: unknown, ip: string, token?: string) {
  const response = await fetch(`${server.baseURL}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-forwarded-for": ip, "user-agent": "multi-instance-test", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown>, headers: response.headers };
}

const codeFor = (secret: string, offset = 0) => generate({ secret, epoch: Math.floor(Date.now() / 1000) + offset * 30 });

/** A user with TOTP enabled; returns the secret and the backup codes. */
async function userWithTotp(ip: string) {
  const username = `mi${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const password = "shared database passphrase";
  expect((await post(a, "/api/auth/register", { username, email: `${username}@example.com`, password }, ip)).status).toBe(201);
  const login = await post(a, "/api/auth/login", { username, password }, ip);
  const token = login.json.access_token as string;
  const setup = await post(b, "/api/auth/2fa/setup/totp", {}, ip, token);
  const secret = setup.json.secret as string;
  const enabled = await post(a, "/api/auth/2fa/verify/totp", { totp_token: await codeFor(secret) }, ip, token);
  expect(enabled.status).toBe(200);
  return { username, password, secret, backupCodes: enabled.json.backup_codes as string[] };
}

describe("two instances, one database", () => {
  it("completes on one instance a login started on the other", async () => {
    const ip = newIp();
    const user = await userWithTotp(ip);
    const started = await post(a, "/api/auth/login", { username: user.username, password: user.password }, ip);
    expect(started.json.requires_2fa).toBe(true);
    const finished = await post(b, "/api/auth/verify", { session_id: started.json.session_id, totp_token: await codeFor(user.secret, 1) }, ip);
    expect(finished.status).toBe(200);
    expect(typeof finished.json.access_token).toBe("string");
  });

  it("counts rate limits across both instances", async () => {
    const ip = newIp();
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      const server = i % 2 === 0 ? a : b;
      statuses.push((await post(server, "/api/auth/login", { username: `nobody${i}`, password: "wrong password here" }, ip)).status);
    }
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(statuses.slice(10)).toEqual([429, 429]);
    const limited = await post(a, "/api/auth/login", { username: "nobody", password: "wrong password here" }, ip);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(limited.json.code).toBe("rate_limited");
  });

  it("lets one login session be completed exactly once when 20 requests race across both", async () => {
    const ip = newIp();
    const user = await userWithTotp(ip);
    const started = await post(a, "/api/auth/login", { username: user.username, password: user.password }, ip);
    const attempts = Array.from({ length: 20 }, (_, i) =>
      post(i % 2 === 0 ? a : b, "/api/auth/verify", { session_id: started.json.session_id, backup_code: user.backupCodes[i % user.backupCodes.length] }, ip),
    );
    const statuses = (await Promise.all(attempts)).map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.every((s) => s === 200 || s === 400)).toBe(true);
  });

  it("accepts one refresh token exactly once when 20 requests race across both, and revokes the family", async () => {
    const ip = newIp();
    const username = `rt${Date.now().toString(36)}`;
    await post(a, "/api/auth/register", { username, email: `${username}@example.com`, password: "refresh race passphrase" }, ip);
    const login = await post(b, "/api/auth/login", { username, password: "refresh race passphrase" }, ip);
    const refresh = login.json.refresh_token as string;
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => post(i % 2 === 0 ? a : b, "/api/auth/token/refresh", { refresh }, ip)));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    // The losers presented a used token: the whole family is revoked on both instances at once.
    const winner = results.find((r) => r.status === 200);
    const again = await post(a, "/api/auth/token/refresh", { refresh: winner?.json.refresh }, ip);
    expect(again.status).toBe(401);
  });
});
