import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, startEmbeddedPostgres } from "../../scripts/lib/database.mjs";
import { rawRequest } from "../helpers/raw-http";
import { layOutImage, startAndWait, type Started } from "../helpers/standalone";

/**
 * The container image, minus Docker: `next build`'s .next/standalone laid out by the Dockerfile's
 * own runtime COPY lines, started with its own CMD (scripts/start-standalone.mjs) against an empty
 * PostgreSQL. It must apply the migrations itself, report ready, sign up and sign in, limit
 * sign-in per client by the TCP peer (clients at 127.0.0.2 and 127.0.0.3) whatever address headers
 * a client forges, and go unready while the database is down and ready again after.
 */

type Postgres = Awaited<ReturnType<typeof startEmbeddedPostgres>>;

// Outside the checkout, so a module the standalone output lacks cannot be found in ./node_modules.
const IMAGE_DIR = path.join(tmpdir(), `lokdown-standalone-image-${process.pid}`);
const DATA_DIR = path.resolve(".data", "standalone-postgres");
const DATABASE = "lokdown_standalone";

let postgres: Postgres;
let app: Started;

beforeAll(async () => {
  postgres = await startEmbeddedPostgres({ dataDir: DATA_DIR, databaseNames: [DATABASE], fresh: true });
  const { command } = layOutImage(IMAGE_DIR);
  const port = await freePort();
  app = await startAndWait(
    command,
    IMAGE_DIR,
    {
      DATABASE_URL: postgres.urlFor(DATABASE),
      HOSTNAME_BIND: "127.0.0.1",
      WEBAUTHN_ORIGINS: `http://localhost:${port}`,
      WEBAUTHN_RP_ID: "localhost",
      LOKDOWN_SIGNUP_ENABLED: "true",
      LOGIN_INIT_RATE_LIMIT: "3/m",
      ADMIN_USERNAME: "standalone-admin",
      ADMIN_PASSWORD: "quiet harbour lantern 77",
    },
    port,
  );
}, 120_000);

afterAll(async () => {
  await app?.stop();
  await postgres?.stop();
  rmSync(IMAGE_DIR, { recursive: true, force: true });
});

const url = (p: string) => `${app.baseURL}${p}`;

describe("the standalone server as the image runs it", () => {
  it("applies the migrations, serves sign-up and sign-in, and rate-limits per client address", async () => {
    expect(app.output.join("")).toMatch(/\[lokdown\] migrations: \d+ applied/);
    expect((await rawRequest(url("/api/health/ready"))).json).toEqual({ status: "ready" });

    const username = `standalone${Date.now().toString(36)}`;
    const password = "container smoke passphrase";
    const registered = await rawRequest(url("/api/auth/register"), {
      body: { username, email: `${username}@example.com`, password },
      localAddress: "127.0.0.3",
    });
    expect(registered.status, registered.text).toBe(201);
    const signedIn = await rawRequest(url("/api/auth/login"), {
      body: { username, password },
      localAddress: "127.0.0.3",
    });
    expect(signedIn.status, signedIn.text).toBe(200);
    expect(signedIn.json.access_token).toEqual(expect.any(String));

    // Client 127.0.0.2 uses up its 3 attempts; forging every address header does not get it more.
    for (let i = 0; i < 3; i++) {
      expect(
        (await rawRequest(url("/api/auth/login"), { body: { username, password: "wrong" }, localAddress: "127.0.0.2" }))
          .status,
      ).toBe(401);
    }
    const forged = { "x-lokdown-peer": "198.51.100.1", "x-forwarded-for": "198.51.100.2", "x-real-ip": "198.51.100.3" };
    const limited = await rawRequest(url("/api/auth/login"), {
      body: { username, password },
      headers: forged,
      localAddress: "127.0.0.2",
    });
    expect(limited.status, limited.text).toBe(429);
    expect(limited.json.code).toBe("rate_limited");

    // Another client is its own bucket.
    expect(
      (await rawRequest(url("/api/auth/login"), { body: { username, password }, localAddress: "127.0.0.3" })).status,
    ).toBe(200);
  });

  it("answers not ready while PostgreSQL is down, stays live, and is ready again when it is back", async () => {
    await postgres.stop();
    const started = performance.now();
    const down = await rawRequest(url("/api/health/ready"));
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(down.status).toBe(503);
    expect(down.json).toEqual({ status: "not_ready", reason: "database_unavailable" });
    expect(down.headers["cache-control"]).toBe("no-store");
    expect((await rawRequest(url("/api/health"))).status).toBe(200);

    postgres = await startEmbeddedPostgres({ dataDir: DATA_DIR, databaseNames: [DATABASE], port: postgres.port });
    let up = await rawRequest(url("/api/health/ready"));
    for (let i = 0; i < 10 && up.status !== 200; i++) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      up = await rawRequest(url("/api/health/ready"));
    }
    expect(up.status).toBe(200);
    expect(up.json).toEqual({ status: "ready" });
  }, 60_000);
});
