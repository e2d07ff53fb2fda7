import { spawn } from "node:child_process";
import path from "node:path";
import { freePort } from "../../scripts/lib/database.mjs";

export type AppServer = { baseURL: string; stop(): Promise<void> };

/**
 * Starts `node scripts/server.mjs` (production build; `npm run dev`'s server with `dev`) on a free
 * port and waits until it serves.
 */
export async function startAppServer(env: Record<string, string>, options: { dev?: boolean } = {}): Promise<AppServer> {
  const port = await freePort();
  const baseURL = `http://localhost:${port}`;
  const child = spawn(process.execPath, [path.resolve("scripts/server.mjs"), ...(options.dev ? ["--dev"] : [])], {
    env: {
      ...process.env,
      PORT: String(port),
      HOSTNAME_BIND: "127.0.0.1",
      WEBAUTHN_ORIGINS: baseURL,
      WEBAUTHN_RP_ID: "localhost",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output: string[] = [];
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output.join("")}`)), 90_000);
    child.stdout?.on("data", (chunk: Buffer) => {
      output.push(chunk.toString());
      if (chunk.toString().includes("[lokdown] ready on")) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.stderr?.on("data", (chunk: Buffer) => {
      output.push(chunk.toString());
      process.stderr.write(chunk);
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${output.join("")}`));
    });
  });
  return {
    baseURL,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.on("exit", resolve));
      child.kill("SIGTERM");
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
    },
  };
}
