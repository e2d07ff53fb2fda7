import { generate } from "otplib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAppServer, type AppServer } from "../helpers/server";
import { SoftwareAuthenticator } from "../helpers/software-authenticator";

/**
 * Two production instances on one database behave as one: state lives in PostgreSQL only.
 * Both trust one proxy hop, so each test can speak from its own client address.
 */
let a: AppServer;
let b: AppServer;

// One WebAuthn origin for both, as behind one load balancer (each instance has its own port here).
const ORIGIN = "http://localhost";

beforeAll(async () => {
  const env = {
    LOKDOWN_TRUSTED_PROXIES: "1",
    LOKDOWN_SIGNUP_ENABLED: "true",
    LOKDOWN_API_KEYS_ENABLED: "true",
    LOGIN_INIT_RATE_LIMIT: "10/m",
    WEBAUTHN_ORIGINS: ORIGIN,
  };
  [a, b] = await Promise.all([startAppServer(env), startAppServer(env)]);
});
afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
});

let ipCounter = 0;
const newIp = () => `198.51.100.${(ipCounter += 1)}`;

async function post(server: AppServer, path: string, body: unknown, ip: string, token?: string) {
  return send(server, "POST", path, ip, { body, token });
}

async function send(
  server: AppServer,
  method: string,
  path: string,
  ip: string,
  options: { body?: unknown; token?: string; apiKey?: string } = {},
) {
  const auth: Record<string, string> = options.token
    ? { authorization: `Bearer ${options.token}` }
    : options.apiKey
      ? { authorization: `Api-Key ${options.apiKey}` }
      : {};
  const response = await fetch(`${server.baseURL}${path}`, {
    method,
    headers: {
      "content-type": "application/json",
      "x-forwarded-for": ip,
      "user-agent": "multi-instance-test",
      ...auth,
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  return {
    status: response.status,
    json: (await response.json()) as Record<string, unknown>,
    headers: response.headers,
  };
}

const both = (i: number) => (i % 2 === 0 ? a : b);
const countOf = (statuses: number[], status: number) => statuses.filter((s) => s === status).length;

const codeFor = (secret: string, offset = 0) =>
  generate({ secret, epoch: Math.floor(Date.now() / 1000) + offset * 30 });

/** A user with TOTP enabled; returns the secret and the backup codes. */
async function userWithTotp(ip: string) {
  const username = `mi${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const password = "shared database passphrase";
  expect(
    (await post(a, "/api/auth/register", { username, email: `${username}@example.com`, password }, ip)).status,
  ).toBe(201);
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
    const finished = await post(
      b,
      "/api/auth/verify",
      { session_id: started.json.session_id, totp_token: await codeFor(user.secret, 1) },
      ip,
    );
    expect(finished.status).toBe(200);
    expect(typeof finished.json.access_token).toBe("string");
  });

  it("counts rate limits across both instances", async () => {
    const ip = newIp();
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      const server = i % 2 === 0 ? a : b;
      statuses.push(
        (await post(server, "/api/auth/login", { username: `nobody${i}`, password: "wrong password here" }, ip)).status,
      );
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
      post(
        i % 2 === 0 ? a : b,
        "/api/auth/verify",
        { session_id: started.json.session_id, backup_code: user.backupCodes[i % user.backupCodes.length] },
        ip,
      ),
    );
    const statuses = (await Promise.all(attempts)).map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.every((s) => s === 200 || s === 400)).toBe(true);
  });

  it("accepts one refresh token exactly once when 20 requests race across both, and revokes the family", async () => {
    const ip = newIp();
    const username = `rt${Date.now().toString(36)}`;
    await post(
      a,
      "/api/auth/register",
      { username, email: `${username}@example.com`, password: "refresh race passphrase" },
      ip,
    );
    const login = await post(b, "/api/auth/login", { username, password: "refresh race passphrase" }, ip);
    const refresh = login.json.refresh_token as string;
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => post(i % 2 === 0 ? a : b, "/api/auth/token/refresh", { refresh }, ip)),
    );
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    // The losers presented a used token: the whole family is revoked on both instances at once.
    const winner = results.find((r) => r.status === 200);
    const again = await post(a, "/api/auth/token/refresh", { refresh: winner?.json.refresh }, ip);
    expect(again.status).toBe(401);
  });
  it("accepts one backup code exactly once when 20 pending logins race for it across both", async () => {
    const user = await userWithTotp(newIp());
    const ips = Array.from({ length: 20 }, () => newIp());
    const sessions = await Promise.all(
      ips.map((ip, i) => post(both(i), "/api/auth/login", { username: user.username, password: user.password }, ip)),
    );
    const code = user.backupCodes[0];
    const results = await Promise.all(
      ips.map((ip, i) =>
        post(both(i + 1), "/api/auth/verify", { session_id: sessions[i]?.json.session_id, backup_code: code }, ip),
      ),
    );
    const statuses = results.map((r) => r.status);
    expect(countOf(statuses, 200), statuses.join(",")).toBe(1);
    expect(countOf(statuses, 401), statuses.join(",")).toBe(19);
  });

  it("accepts one TOTP code exactly once when 20 pending logins race for it across both", async () => {
    const user = await userWithTotp(newIp());
    const ips = Array.from({ length: 20 }, () => newIp());
    const sessions = await Promise.all(
      ips.map((ip, i) => post(both(i), "/api/auth/login", { username: user.username, password: user.password }, ip)),
    );
    // The enrollment used the current step; the next step's code is still inside the drift window.
    const code = await codeFor(user.secret, 1);
    const results = await Promise.all(
      ips.map((ip, i) =>
        post(both(i + 1), "/api/auth/verify", { session_id: sessions[i]?.json.session_id, totp_token: code }, ip),
      ),
    );
    const statuses = results.map((r) => r.status);
    expect(countOf(statuses, 200), statuses.join(",")).toBe(1);
    expect(countOf(statuses, 401), statuses.join(",")).toBe(19);
  });

  it("accepts one WebAuthn challenge exactly once when 20 signed assertions race for it across both", async () => {
    const ip = newIp();
    const username = `pk${Date.now().toString(36)}`;
    const password = "passkey race passphrase";
    await post(a, "/api/auth/register", { username, email: `${username}@example.com`, password }, ip);
    const token = (await post(b, "/api/auth/login", { username, password }, ip)).json.access_token as string;
    const authenticator = new SoftwareAuthenticator(ORIGIN);
    const begun = await post(a, "/api/auth/2fa/passkey/setup", {}, ip, token);
    const registered = await post(
      b,
      "/api/auth/2fa/passkey/verify",
      { session_id: begun.json.session_id, passkey_response: authenticator.register(begun.json.options as never) },
      ip,
      token,
    );
    expect(registered.status).toBe(200);
    const started = await post(a, "/api/auth/passkey/login/options", {}, ip);
    const options = started.json.options as { challenge: string; rpId: string };
    // Twenty valid assertions (rising counters) for one challenge: only the challenge stops them.
    const assertions = Array.from({ length: 20 }, () => authenticator.assert(options));
    const results = await Promise.all(
      assertions.map((assertion, i) =>
        post(
          both(i),
          "/api/auth/passkey/login",
          { session_id: started.json.session_id, passkey_response: assertion },
          newIp(),
        ),
      ),
    );
    const statuses = results.map((r) => r.status);
    expect(countOf(statuses, 200), statuses.join(",")).toBe(1);
    expect(
      statuses.every((s) => s === 200 || (s >= 400 && s < 500)),
      statuses.join(","),
    ).toBe(true);
  });

  it("a refresh family revoked on one instance is dead on the other at once", async () => {
    const ip = newIp();
    const username = `rv${Date.now().toString(36)}`;
    await post(
      a,
      "/api/auth/register",
      { username, email: `${username}@example.com`, password: "revocation passphrase" },
      ip,
    );
    const login = await post(a, "/api/auth/login", { username, password: "revocation passphrase" }, ip);
    const access = login.json.access_token as string;
    expect((await send(b, "GET", "/api/me", ip, { token: access })).status).toBe(200);
    expect((await post(a, "/api/auth/logout", { refresh: login.json.refresh_token }, ip)).status).toBe(200);
    expect((await send(b, "GET", "/api/me", ip, { token: access })).status).toBe(401);
    expect((await post(b, "/api/auth/token/refresh", { refresh: login.json.refresh_token }, ip)).status).toBe(401);
  });

  it("an API key revoked on one instance is refused by the other at once", async () => {
    const ip = newIp();
    const username = `ak${Date.now().toString(36)}`;
    await post(
      a,
      "/api/auth/register",
      { username, email: `${username}@example.com`, password: "api key passphrase" },
      ip,
    );
    const token = (await post(a, "/api/auth/login", { username, password: "api key passphrase" }, ip)).json
      .access_token as string;
    const created = await post(b, "/api/auth/api-keys", { name: "multi-instance" }, ip, token);
    expect(created.status, JSON.stringify(created.json)).toBe(201);
    const apiKey = created.json.api_key as string;
    // Used on both first, so any per-instance cache would be warm.
    expect((await send(a, "GET", "/api/whoami", ip, { apiKey })).status).toBe(200);
    expect((await send(b, "GET", "/api/whoami", ip, { apiKey })).status).toBe(200);
    expect((await send(a, "DELETE", `/api/auth/api-keys/${String(created.json.id)}`, ip, { token })).status).toBe(200);
    expect((await send(b, "GET", "/api/whoami", ip, { apiKey })).status).toBe(401);
    expect((await send(a, "GET", "/api/whoami", ip, { apiKey })).status).toBe(401);
  });
});
