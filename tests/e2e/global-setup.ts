import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { freePort } from "../../scripts/lib/database.mjs";

declare module "vitest" {
  export interface ProvidedContext {
    baseURL: string;
    adminUsername: string;
    adminPassword: string;
  }
}

const ADMIN = { username: "admin", password: "grey lantern orchard 42" };

let server: ChildProcess | undefined;

/** Starts the production server once for the whole suite. */
export async function setup(project: TestProject): Promise<void> {
  const port = await freePort();
  const baseURL = `http://localhost:${port}`;
  server = spawn(process.execPath, [path.resolve("scripts/server.mjs")], {
    env: {
      ...process.env,
      PORT: String(port),
      HOSTNAME_BIND: "127.0.0.1",
      WEBAUTHN_ORIGINS: baseURL,
      WEBAUTHN_RP_ID: "localhost",
      LOKDOWN_SIGNUP_ENABLED: "true",
      LOKDOWN_API_KEYS_ENABLED: "true",
      ADMIN_USERNAME: ADMIN.username,
      ADMIN_PASSWORD: ADMIN.password,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output: string[] = [];
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output.join("")}`)), 90_000);
    const onData = (chunk: Buffer) => {
      output.push(chunk.toString());
      if (chunk.toString().includes("[lokdown] ready on")) {
        clearTimeout(timer);
        resolve();
      }
    };
    server?.stdout?.on("data", onData);
    server?.stderr?.on("data", (chunk: Buffer) => {
      output.push(chunk.toString());
      process.stderr.write(chunk);
    });
    server?.on("exit", (code) => reject(new Error(`server exited with ${code}:\n${output.join("")}`)));
  });
  project.provide("baseURL", baseURL);
  project.provide("adminUsername", ADMIN.username);
  project.provide("adminPassword", ADMIN.password);
}

export async function teardown(): Promise<void> {
  if (!server || server.exitCode !== null) return;
  const exited = new Promise((resolve) => server?.on("exit", resolve));
  server.kill("SIGTERM");
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
}
