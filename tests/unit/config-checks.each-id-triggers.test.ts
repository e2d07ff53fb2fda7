import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseSettings } from "@/lib/env";
import { CHECKS, logConfigFindings, NOT_APPLICABLE, rpIdMatchesHost, runConfigChecks } from "@/lib/config-checks";
import { checkCommand } from "@/scripts/lib/check-command";

const key = () => randomBytes(32).toString("base64");

/** A production configuration with nothing to report; each case changes one thing. */
const GOOD: Record<string, string> = {
  NODE_ENV: "production",
  DATABASE_URL: "postgresql://db.internal/lokdown",
  AUTH_SECRET: key(),
  LOKDOWN_ENCRYPTION_KEY: key(),
  WEBAUTHN_RP_ID: "example.com",
  WEBAUTHN_ORIGINS: "https://example.com,https://app.example.com",
  LOKDOWN_CLIENT_IP_HEADER: "x-real-ip",
};

const ids = (env: Record<string, string | undefined>) => runConfigChecks(parseSettings(env)).map((f) => f.id);

describe("configuration checks", () => {
  it("find nothing in a sound production configuration", () => {
    expect(runConfigChecks(parseSettings(GOOD))).toEqual([]);
  });

  const cases: [string, Record<string, string | undefined>][] = [
    ["W001", { ADMIN_2FA_REQUIRED: "false" }],
    ["W002", { WEBAUTHN_ORIGINS: undefined, WEBAUTHN_RP_ID: undefined }],
    ["W003", { AUTH_GITHUB_ID: "Iv1.abc", AUTH_GITHUB_SECRET: "s3cret-value" }],
    ["W005", { LOKDOWN_TOTP_ENABLED: "false", LOKDOWN_PASSKEY_ENABLED: "false" }],
    ["L101", { NODE_ENV: "development", AUTH_SECRET: undefined }],
    ["L102", { AUTH_SECRET: "a".repeat(40) }],
    ["L102", { AUTH_SECRET: "changeme-changeme-changeme-changeme-123" }],
    ["L103", { NODE_ENV: "development", LOKDOWN_ENCRYPTION_KEY: undefined }],
    ["L104", { LOKDOWN_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString("base64") }],
    ["L104", { LOKDOWN_ENCRYPTION_KEY: "ZGV2ZWxvcG1lbnQtb25seS1lbmNyeXB0aW9uLWtleSE=" }],
    ["L105", { WEBAUTHN_RP_ID: "example.org" }],
    ["L105", { WEBAUTHN_RP_ID: "app.example.com" }],
    ["L106", { WEBAUTHN_ORIGINS: "http://example.com" }],
    ["L107", { LOKDOWN_SIGNUP_ENABLED: "true" }],
    ["L108", { LOKDOWN_API_KEYS_ENABLED: "true" }],
    [
      "L109",
      {
        LOKDOWN_SOCIALAUTH_ENABLED: "true",
        LOKDOWN_SOCIALAUTH_ALLOWED_CALLBACK_ORIGINS: "https://spa.example.com,http://spa.example.net",
      },
    ],
    ["L110", { LOKDOWN_CLIENT_IP_HEADER: "x-forwarded-for" }],
    ["L111", { LOKDOWN_CLIENT_IP_HEADER: undefined }],
    ["L111", { LOKDOWN_CLIENT_IP_HEADER: undefined, LOKDOWN_PEER_SERVER_PID: "0" }],
    ["L112", { LOKDOWN_TRUSTED_PROXIES: "1" }],
  ];
  it.each(cases)("report %s for a configuration that triggers it", (id, change) => {
    const env = { ...GOOD, ...change };
    for (const [k, v] of Object.entries(change)) if (v === undefined) delete env[k];
    expect(ids(env)).toEqual([id]);
  });

  it("cover every listed ID with a case, and list W004 and W006 as not applicable", () => {
    expect(new Set(cases.map(([id]) => id))).toEqual(new Set(CHECKS.map((c) => c.id)));
    expect(Object.keys(NOT_APPLICABLE)).toEqual(["W004", "W006"]);
  });

  it("trust the socket address only in the bundled server's own process, whose pid it recorded", () => {
    const env = { ...GOOD, LOKDOWN_CLIENT_IP_HEADER: undefined, LOKDOWN_PEER_SERVER_PID: "4242" };
    delete env.LOKDOWN_CLIENT_IP_HEADER;
    expect(parseSettings(env, 4242).clientAddress.peerHeaderTrusted).toBe(true);
    expect(runConfigChecks(parseSettings(env, 4242))).toEqual([]);
    expect(parseSettings(env, 4243).clientAddress.peerHeaderTrusted).toBe(false);
  });

  it("refuse a client-address header that is not a header name, or the bundled server's own", () => {
    expect(() => parseSettings({ ...GOOD, LOKDOWN_CLIENT_IP_HEADER: "x real ip" })).toThrow(/LOKDOWN_CLIENT_IP_HEADER/);
    expect(() => parseSettings({ ...GOOD, LOKDOWN_CLIENT_IP_HEADER: "X-Lokdown-Peer" })).toThrow(
      /LOKDOWN_CLIENT_IP_HEADER/,
    );
    expect(parseSettings({ ...GOOD, LOKDOWN_CLIENT_IP_HEADER: " CF-Connecting-IP " }).clientAddress.header).toBe(
      "cf-connecting-ip",
    );
  });

  it("accept social login with https callbacks, and providers with the switch on", () => {
    const social = {
      LOKDOWN_SOCIALAUTH_ENABLED: "true",
      AUTH_GITHUB_ID: "Iv1.abc",
      AUTH_GITHUB_SECRET: "s3cret-value",
      LOKDOWN_SOCIALAUTH_ALLOWED_CALLBACK_ORIGINS: "https://spa.example.com",
    };
    expect(ids({ ...GOOD, ...social })).toEqual([]);
  });

  it("rate missing secrets as errors in production and warnings in development", () => {
    const dev = runConfigChecks(parseSettings({ DATABASE_URL: GOOD.DATABASE_URL, NODE_ENV: "development" }));
    expect(dev.map((f) => [f.id, f.level])).toEqual([
      ["L101", "warning"],
      ["L103", "warning"],
    ]);
    // parseSettings itself refuses production without secrets; a Settings object built otherwise is still caught.
    const prod = { ...parseSettings(GOOD), authSecretIsDefault: true, encryptionKeyIsDefault: true };
    expect(runConfigChecks(prod).map((f) => [f.id, f.level])).toEqual([
      ["L101", "error"],
      ["L103", "error"],
    ]);
  });

  it("do not flag production over http://localhost, or development over http", () => {
    expect(ids({ ...GOOD, WEBAUTHN_RP_ID: "localhost", WEBAUTHN_ORIGINS: "http://localhost:3000" })).toEqual([]);
    expect(ids({ ...GOOD, NODE_ENV: "development", WEBAUTHN_ORIGINS: "http://example.com" })).toEqual([]);
  });

  it("match rpId to hosts the way WebAuthn does", () => {
    expect(rpIdMatchesHost("example.com", "example.com")).toBe(true);
    expect(rpIdMatchesHost("example.com", "login.example.com")).toBe(true);
    expect(rpIdMatchesHost("example.com", "badexample.com")).toBe(false);
    expect(rpIdMatchesHost("login.example.com", "example.com")).toBe(false);
  });

  it("are logged once each at start-up in production only, info left out", () => {
    const lines: string[] = [];
    const logger = { warn: (m: string) => lines.push(`warn ${m}`), error: (m: string) => lines.push(`error ${m}`) };
    const settings = parseSettings({
      ...GOOD,
      ADMIN_2FA_REQUIRED: "false",
      WEBAUTHN_RP_ID: "example.org",
      LOKDOWN_API_KEYS_ENABLED: "true",
    });
    expect(logConfigFindings(settings, logger)).toBe(2);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^warn \[lokdown\] lokdown\.W001 \[warning\]/);
    expect(lines[1]).toMatch(/^error \[lokdown\] lokdown\.L105 \[error\]/);
    expect(
      logConfigFindings(parseSettings({ ...GOOD, NODE_ENV: "development", ADMIN_2FA_REQUIRED: "false" }), logger),
    ).toBe(0);
    expect(lines).toHaveLength(2);
  });
});

function capture() {
  const chunks: string[] = [];
  return { stream: { write: (s: string) => chunks.push(s) }, text: () => chunks.join("") };
}

describe("npm run check", () => {
  it("prints each finding with its ID and exits 3", async () => {
    const out = capture();
    const code = await checkCommand(
      [],
      { stdout: out.stream, stderr: capture().stream },
      { ...GOOD, ADMIN_2FA_REQUIRED: "false", LOKDOWN_SIGNUP_ENABLED: "true" },
    );
    expect(code).toBe(3);
    expect(out.text()).toContain("Configuration checks (production)");
    expect(out.text()).toContain("lokdown.W001 [warning] ADMIN_2FA_REQUIRED is off in production");
    expect(out.text()).toContain("lokdown.L107 [warning]");
    expect(out.text()).toContain("2 finding(s): 0 error(s), 2 warning(s), 0 info.");
    expect(out.text()).toContain("Not applicable here: W004, W006");
  });

  it("exits 0 when only info findings remain, and prints JSON with --json", async () => {
    const out = capture();
    const code = await checkCommand(
      ["--json"],
      { stdout: out.stream, stderr: capture().stream },
      { ...GOOD, LOKDOWN_API_KEYS_ENABLED: "true" },
    );
    expect(code).toBe(0);
    const parsed = JSON.parse(out.text()) as { valid: boolean; findings: { id: string; level: string }[] };
    expect(parsed.valid).toBe(true);
    expect(parsed.findings.map((f) => [f.id, f.level])).toEqual([["L108", "info"]]);
  });

  it("--production checks a development environment as production would see it", async () => {
    const dev = { ...GOOD, NODE_ENV: "development", LOKDOWN_SIGNUP_ENABLED: "true" };
    const plain = capture();
    expect(await checkCommand([], { stdout: plain.stream, stderr: capture().stream }, dev)).toBe(0);
    const prod = capture();
    expect(await checkCommand(["--production"], { stdout: prod.stream, stderr: capture().stream }, dev)).toBe(3);
    expect(prod.text()).toContain("lokdown.L107");
  });

  it("exits 1 for a configuration the app would refuse, naming each problem", async () => {
    const err = capture();
    const code = await checkCommand(
      ["--production"],
      { stdout: capture().stream, stderr: err.stream },
      { DATABASE_URL: GOOD.DATABASE_URL },
    );
    expect(code).toBe(1);
    expect(err.text()).toContain("AUTH_SECRET is required in production");
    expect(err.text()).toContain("LOKDOWN_ENCRYPTION_KEY is required in production");
  });

  it("lists every check with --list", async () => {
    const out = capture();
    expect(await checkCommand(["--list"], { stdout: out.stream, stderr: capture().stream }, GOOD)).toBe(0);
    for (const id of ["W001", "W002", "W003", "W004", "W005", "W006", "L101", "L109"])
      expect(out.text()).toContain(`lokdown.${id}`);
  });

  it("are all in docs/cli.md's table", () => {
    const table = readFileSync(path.resolve("docs/cli.md"), "utf8");
    const documented = new Set(
      [...table.matchAll(/^\| ([WL]\d{3})(?: \/ ([WL]\d{3}))? \|/gm)].flatMap((m) => m.slice(1).filter(Boolean)),
    );
    expect(CHECKS.map((check) => check.id).filter((id) => !documented.has(id))).toEqual([]);
  });
});
