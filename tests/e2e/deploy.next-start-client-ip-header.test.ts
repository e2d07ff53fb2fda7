import { spawn } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../scripts/lib/database.mjs";
import { rawRequest } from "../helpers/raw-http";
import { startAndWait, type Started } from "../helpers/standalone";

/**
 * Plain `next start` (no bundled server recording the socket), as most hosts run Next.js, behind an
 * edge that sets x-real-ip (LOKDOWN_CLIENT_IP_HEADER). Clients are limited by that header alone: two
 * clients are two buckets, and headers a client forges (x-lokdown-peer, X-Forwarded-For) change
 * nothing. Without the setting, production refuses to start instead of sharing one bucket.
 *
 * The addresses (192.0.2.x) are this file's own: e2e files share one database, and
 * multi-instance.test.ts fills 198.51.100.x buckets within the same minute.
 */

const NEXT = [path.resolve("node_modules/next/dist/bin/next")];
const NEXT_READY = /Ready in|started server on|Local:/;

let app: Started;

async function nextStart(port: number, env: Record<string, string>): Promise<Started> {
  return startAndWait(
    ["node", ...NEXT, "start", "-p", String(port), "-H", "127.0.0.1"],
    process.cwd(),
    { NODE_ENV: "production", ...env },
    port,
    NEXT_READY,
  );
}

beforeAll(async () => {
  const port = await freePort();
  app = await nextStart(port, {
    LOKDOWN_CLIENT_IP_HEADER: "x-real-ip",
    LOGIN_INIT_RATE_LIMIT: "3/m",
    WEBAUTHN_ORIGINS: `http://localhost:${port}`,
    WEBAUTHN_RP_ID: "localhost",
  });
}, 120_000);

afterAll(async () => {
  await app?.stop();
});

const wrongSignIn = (headers: Record<string, string>) =>
  rawRequest(`${app.baseURL}/api/auth/login`, { body: { username: "nobody-next-start", password: "wrong" }, headers });

describe("next start with LOKDOWN_CLIENT_IP_HEADER=x-real-ip", () => {
  it("limits two clients separately and ignores the address headers a client forges", async () => {
    const a = { "x-real-ip": "192.0.2.10" };
    const b = { "x-real-ip": "192.0.2.11" };
    for (let i = 0; i < 3; i++) expect((await wrongSignIn(a)).status).toBe(401);
    const limited = await wrongSignIn(a);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers["retry-after"])).toBeGreaterThan(0);
    // Client A forging other address headers is still client A.
    expect((await wrongSignIn({ ...a, "x-lokdown-peer": "192.0.2.12", "x-forwarded-for": "192.0.2.13" })).status).toBe(
      429,
    );
    // Client B has its own bucket.
    expect((await wrongSignIn(b)).status).toBe(401);
  });

  it("refuses, with JSON, a request that did not come through the edge, whatever it forges", async () => {
    const res = await wrongSignIn({ "x-lokdown-peer": "192.0.2.14", "x-forwarded-for": "192.0.2.15" });
    expect(res.status).toBe(400);
    expect(res.headers["content-type"]).toMatch(/^application\/json/);
    expect(res.json).toEqual({ error: expect.any(String), code: "client_address_unknown" });
    // The load balancer's probes need no address.
    expect((await rawRequest(`${app.baseURL}/api/health`)).status).toBe(200);
  });
});

describe("next start in production without a client-address setting", () => {
  it("refuses to start rather than put every client in one bucket", async () => {
    const port = await freePort();
    const child = spawn(process.execPath, [...NEXT, "start", "-p", String(port), "-H", "127.0.0.1"], {
      env: {
        ...process.env,
        NODE_ENV: "production",
        WEBAUTHN_ORIGINS: `http://localhost:${port}`,
        WEBAUTHN_RP_ID: "localhost",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
    // Next may finish starting before it runs the instrumentation hook on the first request.
    const poke = setInterval(() => void fetch(`http://127.0.0.1:${port}/api/health`).catch(() => undefined), 1_000);
    const code = await Promise.race([
      exited,
      new Promise<"running">((resolve) => setTimeout(() => resolve("running"), 45_000)),
    ]);
    clearInterval(poke);
    if (code === "running") child.kill("SIGTERM");
    expect(code, output).toBe(1);
    expect(output).toMatch(/refusing to start: no client address source/);
  }, 60_000);
});
