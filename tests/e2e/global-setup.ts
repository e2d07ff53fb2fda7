import type { TestProject } from "vitest/node";
import { startAppServer, type AppServer } from "../helpers/server";

declare module "vitest" {
  export interface ProvidedContext {
    baseURL: string;
    adminUsername: string;
    adminPassword: string;
  }
}

const ADMIN = { username: "admin", password: "grey lantern orchard 42" };

let server: AppServer | undefined;

/** Starts the production server once for the whole suite. */
export async function setup(project: TestProject): Promise<void> {
  server = await startAppServer({
    LOKDOWN_SIGNUP_ENABLED: "true",
    LOKDOWN_API_KEYS_ENABLED: "true",
    // Every browser test signs in from 127.0.0.1; the rate-limit suites use their own servers.
    LOGIN_INIT_RATE_LIMIT: "1000/m",
    ADMIN_USERNAME: ADMIN.username,
    ADMIN_PASSWORD: ADMIN.password,
  });
  project.provide("baseURL", server.baseURL);
  project.provide("adminUsername", ADMIN.username);
  project.provide("adminPassword", ADMIN.password);
}

export async function teardown(): Promise<void> {
  await server?.stop();
}
