import { spawn, type ChildProcess } from "node:child_process";
import { cpSync, mkdirSync, readFileSync, rmSync, statSync } from "node:fs";
import path from "node:path";

/**
 * The container image without Docker: reads the Dockerfile's runtime stage and replays its
 * `COPY --from=build /app/<from> <to>` lines from this checkout (the build stage's /app) into
 * `target` (the image's /app), and returns its CMD. So the smoke test runs exactly the files and
 * command the image would, and a COPY line the image needs but this layout lacks fails the test.
 */
export function layOutImage(target: string, dockerfile = path.resolve("Dockerfile")): { command: string[] } {
  const lines = readFileSync(dockerfile, "utf8")
    .replace(/\\\n/g, " ")
    .split("\n")
    .map((l) => l.trim());
  const runtimeStart = lines.findLastIndex((l) => /^FROM\s/i.test(l));
  if (runtimeStart < 0) throw new Error("Dockerfile has no FROM");
  const runtime = lines.slice(runtimeStart);
  if (!runtime.some((l) => /^WORKDIR\s+\/app$/i.test(l))) throw new Error("the runtime stage must use WORKDIR /app");
  rmSync(target, { recursive: true, force: true });
  mkdirSync(target, { recursive: true });
  for (const line of runtime.filter((l) => /^COPY\s/i.test(l))) {
    const words = line
      .split(/\s+/)
      .slice(1)
      .filter((w) => !w.startsWith("--chown") && !w.startsWith("--chmod"));
    if (words[0] !== "--from=build") throw new Error(`unexpected COPY in the runtime stage: ${line}`);
    const [destination, ...sources] = words.slice(1).reverse();
    if (!destination || sources.length === 0) throw new Error(`cannot read: ${line}`);
    for (const source of sources.reverse()) {
      if (!source.startsWith("/app/")) throw new Error(`COPY source outside /app: ${line}`);
      const from = path.resolve(source.slice("/app/".length));
      // Docker copies a directory's contents, and a file into a destination ending in "/".
      const intoFolder = destination.endsWith("/") && !statSync(from).isDirectory();
      cpSync(from, intoFolder ? path.join(target, destination, path.basename(from)) : path.join(target, destination), {
        recursive: true,
      });
    }
  }
  const cmd = runtime.find((l) => /^CMD\s/i.test(l));
  if (!cmd) throw new Error("the runtime stage has no CMD");
  return { command: JSON.parse(cmd.slice(3).trim()) as string[] };
}

export type Started = { baseURL: string; port: number; child: ChildProcess; output: string[]; stop(): Promise<void> };

/** Runs `command` in `cwd` and waits for a line matching `ready` ("[lokdown] ready on" by default). */
export async function startAndWait(
  command: string[],
  cwd: string,
  env: Record<string, string>,
  port: number,
  ready = /\[lokdown\] ready on/,
): Promise<Started> {
  const [bin, ...args] = command;
  if (!bin) throw new Error("empty command");
  const child = spawn(bin === "node" ? process.execPath : bin, args, {
    cwd,
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output: string[] = [];
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`did not start:\n${output.join("")}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output.push(chunk.toString());
      if (ready.test(output.join(""))) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code}:\n${output.join("")}`));
    });
  });
  return {
    baseURL: `http://127.0.0.1:${port}`,
    port,
    child,
    output,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.on("exit", resolve));
      child.kill("SIGTERM");
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
    },
  };
}
