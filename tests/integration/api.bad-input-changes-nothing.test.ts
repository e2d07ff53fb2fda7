import { describe, expect, it, vi } from "vitest";
import * as login from "@/app/api/auth/login/route";
import * as verify from "@/app/api/auth/verify/route";
import * as token from "@/app/api/auth/token/route";
import * as refresh from "@/app/api/auth/token/refresh/route";
import * as tokenVerify from "@/app/api/auth/token/verify/route";
import * as logout from "@/app/api/auth/logout/route";
import * as register from "@/app/api/auth/register/route";
import * as setupTotp from "@/app/api/auth/2fa/setup/totp/route";
import * as verifyTotp from "@/app/api/auth/2fa/verify/totp/route";
import * as verifyBackup from "@/app/api/auth/2fa/verify/backup/route";
import * as status from "@/app/api/auth/2fa/status/route";
import * as disable from "@/app/api/auth/2fa/disable/route";
import * as regenerate from "@/app/api/auth/2fa/backup-codes/regenerate/route";
import * as loginSetupTotp from "@/app/api/auth/login/setup/totp/route";
import * as loginVerifyTotp from "@/app/api/auth/login/verify/totp/route";
import * as me from "@/app/api/me/route";
import * as catchAll from "@/app/api/[...path]/route";
import { PEER_HEADER } from "@/lib/auth/request/client";
import { MAX_BODY_BYTES } from "@/lib/http/body";
import { route } from "@/lib/http/route";
import { db } from "@/lib/db";
import { call, newClient, type CallOptions } from "../helpers/http";
import { overrideSettings } from "../helpers/settings";
import { snapshotCounts } from "../helpers/db";
import { makeUser } from "../helpers/users";
import { accessTokenFor, enrollTotp, freezeTime, startSecondFactorLogin } from "../helpers/two-factor";

type Handler = typeof login.POST;

/** Every row of the tables a request could change (counters and the event log excluded). */
async function snapshotRows(): Promise<string> {
  const tables = ["users", "login_sessions", "auth_sessions", "refresh_tokens", "totp_devices", "backup_codes"];
  const parts: string[] = [];
  for (const table of tables) {
    const rows = await db.$queryRawUnsafe<{ t: string }[]>(`SELECT t::text AS t FROM "${table}" t ORDER BY 1`);
    parts.push(table, ...rows.map((r) => r.t));
  }
  return parts.join("\n");
}

/** A world with something to lose: a TOTP user with a pending login, a pending setup, a live session. */
async function world() {
  freezeTime();
  const user = await makeUser();
  const { access } = await enrollTotp(user);
  const client = newClient();
  const sessionId = await startSecondFactorLogin(user, client);
  const staff = await makeUser({ staff: true });
  const plain = await makeUser();
  const plainAccess = await accessTokenFor(plain);
  await call(setupTotp.POST, "POST", "/api/auth/2fa/setup/totp", { token: plainAccess });
  return { user, access, client, sessionId, staff, plainAccess };
}

/** `fieldStatus`: SimpleJWT's obtain view answers field errors with 401, everything else with 400. */
type Endpoint = {
  name: string;
  handler: Handler;
  path: string;
  auth?: "totp" | "plain";
  fields?: Record<string, unknown>[];
  fieldStatus?: number;
};

const LARGE = JSON.stringify({ username: "x".repeat(MAX_BODY_BYTES), password: "y" });

describe("every bad input is a 4xx JSON error and changes nothing", () => {
  const endpoints: Endpoint[] = [
    {
      name: "login",
      handler: login.POST,
      path: "/api/auth/login",
      fields: [
        {},
        { username: "", password: "x" },
        { username: 12, password: "x" },
        { username: "a", password: null },
        { username: ["a"], password: { p: 1 } },
      ],
    },
    {
      name: "verify",
      handler: verify.POST,
      path: "/api/auth/verify",
      fields: [
        {},
        { session_id: " " },
        { session_id: 5, totp_token: "123456" },
        { session_id: "x", totp_token: 123456 },
        { session_id: "x", passkey_response: 7 },
        { session_id: "x", passkey_response: "{not json" },
      ],
    },
    {
      name: "token",
      handler: token.POST,
      path: "/api/auth/token",
      fields: [{}, { username: "a" }, { username: true, password: "x" }],
      fieldStatus: 401,
    },
    {
      name: "token/refresh",
      handler: refresh.POST,
      path: "/api/auth/token/refresh",
      fields: [{}, { refresh: "" }, { refresh: 42 }],
    },
    {
      name: "token/verify",
      handler: tokenVerify.POST,
      path: "/api/auth/token/verify",
      fields: [{}, { session_id: "" }, { token: 5 }],
    },
    { name: "logout", handler: logout.POST, path: "/api/auth/logout", fields: [{}] },
    {
      name: "register",
      handler: register.POST,
      path: "/api/auth/register",
      fields: [{}, { username: "a", email: "b" }, { username: 1, email: 2, password: 3 }],
    },
    { name: "2fa/setup/totp", handler: setupTotp.POST, path: "/api/auth/2fa/setup/totp", auth: "plain" },
    {
      name: "2fa/verify/totp",
      handler: verifyTotp.POST,
      path: "/api/auth/2fa/verify/totp",
      auth: "plain",
      fields: [{}, { totp_token: "" }, { totp_token: 123456 }, { totp_token: "1".repeat(1000) }],
    },
    {
      name: "2fa/verify/backup",
      handler: verifyBackup.POST,
      path: "/api/auth/2fa/verify/backup",
      fields: [{}, { session_id: "x" }, { session_id: "x", backup_code: "" }, { session_id: "x", backup_code: ["A"] }],
    },
    {
      name: "2fa/disable",
      handler: disable.POST,
      path: "/api/auth/2fa/disable",
      auth: "totp",
      fields: [{ password: 5 }, { totp_token: ["1"] }, { backup_code: {} }],
    },
    {
      name: "2fa/backup-codes/regenerate",
      handler: regenerate.POST,
      path: "/api/auth/2fa/backup-codes/regenerate",
      auth: "totp",
      fields: [{ password: 5 }],
    },
    {
      name: "login/setup/totp",
      handler: loginSetupTotp.POST,
      path: "/api/auth/login/setup/totp",
      fields: [{}, { session_id: "" }, { session_id: 1 }],
    },
    {
      name: "login/verify/totp",
      handler: loginVerifyTotp.POST,
      path: "/api/auth/login/verify/totp",
      fields: [{}, { session_id: "x" }, { session_id: "x", totp_token: " " }],
    },
  ];

  it.each(endpoints)("$name", async (endpoint) => {
    const w = await world();
    const token = endpoint.auth === "totp" ? w.access : endpoint.auth === "plain" ? w.plainAccess : undefined;
    const cases: { label: string; options: CallOptions; status: number; code?: string }[] = [
      {
        label: "malformed JSON",
        options: { rawBody: '{"username": "a",', headers: { "content-type": "application/json" } },
        status: 400,
        code: "invalid_json",
      },
      {
        label: "JSON array",
        options: { rawBody: "[1,2,3]", headers: { "content-type": "application/json" } },
        status: 400,
        code: "invalid_json",
      },
      {
        label: "JSON string",
        options: { rawBody: '"hello"', headers: { "content-type": "application/json" } },
        status: 400,
        code: "invalid_json",
      },
      {
        label: "JSON null",
        options: { rawBody: "null", headers: { "content-type": "application/json" } },
        status: 400,
        code: "invalid_json",
      },
      {
        label: "body over 64 KB",
        options: { rawBody: LARGE, headers: { "content-type": "application/json" } },
        status: 413,
        code: "payload_too_large",
      },
      {
        label: "form body",
        options: { rawBody: "username=a&password=b", headers: { "content-type": "application/x-www-form-urlencoded" } },
        status: 415,
        code: "unsupported_media_type",
      },
      {
        label: "text/plain",
        options: { rawBody: '{"username":"a","password":"b"}', headers: { "content-type": "text/plain" } },
        status: 415,
        code: "unsupported_media_type",
      },
      {
        label: "no content type",
        options: { rawBody: '{"username":"a","password":"b"}' },
        status: 415,
        code: "unsupported_media_type",
      },
      ...(endpoint.fields ?? []).map((body) => ({
        label: `fields ${JSON.stringify(body)}`,
        options: { body },
        status: endpoint.fieldStatus ?? 400,
      })),
    ];
    const counts = await snapshotCounts();
    const rows = await snapshotRows();
    for (const c of cases) {
      const res = await call(endpoint.handler, "POST", endpoint.path, { ...c.options, client: w.client, token });
      const where = `${endpoint.name}: ${c.label} -> ${res.status} ${res.text.slice(0, 200)}`;
      expect(res.status, where).toBe(c.status);
      expect(res.headers.get("content-type"), where).toMatch(/^application\/json/);
      expect(typeof res.json.error, where).toBe("string");
      expect(typeof res.json.code, where).toBe("string");
      if (c.code) expect(res.json.code, where).toBe(c.code);
    }
    expect(await snapshotCounts()).toEqual(counts);
    expect(await snapshotRows()).toBe(rows);
  });

  it("invalid UTF-8 is a 400 JSON error", async () => {
    const before = await snapshotCounts();
    const request = new Request("http://localhost:3000/api/auth/login", {
      method: "POST",
      headers: { "content-type": "application/json", [PEER_HEADER]: "10.200.0.1" },
      body: new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]),
    });
    const res = await login.POST(request, { params: Promise.resolve({}) });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: "invalid_json" });
    expect(await snapshotCounts()).toEqual(before);
  });

  it("a declared Content-Length over 64 KB is refused before reading", async () => {
    const res = await call(login.POST, "POST", "/api/auth/login", {
      rawBody: "{}",
      headers: { "content-type": "application/json", "content-length": String(MAX_BODY_BYTES + 1) },
    });
    expect(res.status).toBe(413);
    expect(res.json.code).toBe("payload_too_large");
  });

  it("field errors name the field in DRF's shape", async () => {
    const res = await call(login.POST, "POST", "/api/auth/login", { body: { username: "", password: 5 } });
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({
      username: ["This field may not be blank."],
      password: ["Not a valid string."],
      code: "validation_error",
    });
  });

  it("a refused registration changes nothing, even with signup on", async () => {
    overrideSettings({ signupEnabled: true });
    const before = await snapshotCounts();
    const res = await call(register.POST, "POST", "/api/auth/register", {
      body: { username: "bob", email: "bob@example.com", password: "short" },
    });
    expect(res.status).toBe(400);
    expect(await snapshotCounts()).toEqual(before);
  });
});

describe("unknown paths and methods", () => {
  it("an unknown /api path is a JSON 404 for every method", async () => {
    for (const method of ["GET", "POST", "PUT", "PATCH", "DELETE"] as const) {
      const handler = catchAll[method];
      const res = await call(handler, method, "/api/auth/nope", { params: { path: ["auth", "nope"] } });
      expect(res.status).toBe(404);
      expect(res.headers.get("content-type")).toMatch(/^application\/json/);
      expect(res.json).toEqual({ error: "Not found", code: "not_found" });
    }
  });

  it("a wrong method is a JSON 405 with Allow", async () => {
    const cases: [Handler, string, string][] = [
      [login.GET, "GET", "POST"],
      [verify.PUT, "PUT", "POST"],
      [token.DELETE, "DELETE", "POST"],
      [refresh.PATCH, "PATCH", "POST"],
      [setupTotp.GET, "GET", "POST"],
      [verifyBackup.GET, "GET", "POST"],
      [disable.DELETE, "DELETE", "POST"],
      [regenerate.GET, "GET", "POST"],
      [loginSetupTotp.GET, "GET", "POST"],
      [status.POST, "POST", "GET"],
      [me.POST, "POST", "GET"],
    ];
    for (const [handler, method, allow] of cases) {
      const res = await call(handler, method, "/api/x");
      expect(res.status).toBe(405);
      expect(res.headers.get("allow")).toBe(allow);
      expect(res.json.code).toBe("method_not_allowed");
    }
  });

  it("an unexpected error is a JSON 500 without internals", async () => {
    const quiet = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const handler = route(async () => {
      throw new Error("relation users: password_hash leaked detail");
    });
    const res = await call(handler, "POST", "/api/anything", { body: {} });
    quiet.mockRestore();
    expect(res.status).toBe(500);
    expect(res.json).toEqual({ error: "Internal server error", code: "internal_error" });
    expect(res.text).not.toContain("leaked");
  });
});
