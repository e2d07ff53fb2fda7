// `npm run bench`: the whole stack against the framework's own limit. Builds and serves a plain
// Next.js app (bench/plain-next: one route handler returning JSON, `next start`) beside the
// production server of this app, on the same CPU, signs up a few users (BENCH_USERS), takes an
// access token and an API key of each, and measures with autocannon, every target with the same
// duration and connections, the requests carrying the users' credentials in turn:
//   GET /api/ping     the plain Next.js app: the baseline every ratio is taken against
//   GET /api/health   this app, no authentication, no database; also under plain `next start`
//                     (same build, no scripts/server.mjs) to measure what the wrapper costs
//   GET /api/me       Bearer token, then API key: authentication plus one profile read
//   POST /api/auth/login  password sign-in (no 2FA), against the password hash's own rate on the
//                     same CPU with as many hashes at a time as the server runs (a child process)
// The targets take turns in several rounds, so a neighbour's load that comes and goes is spread
// over all of them; ratios are per round (medians printed). Also printed: the server's CPU time per
// request and its peak RSS over the whole run. PostgreSQL is a fresh embedded server unless
// DATABASE_URL is set (then that database gets the extra users).
//   BENCH_ROUNDS=3 BENCH_WARMUP=3 BENCH_DURATION=5 BENCH_CONNECTIONS=32 BENCH_USERS=5 BENCH_PIN=1 npm run bench
import { execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import autocannon from "autocannon";
import { freePort, root, run, startEmbeddedPostgres } from "./lib/database.mjs";

const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const duration = Number(process.env.BENCH_DURATION ?? 5);
const warmup = Number(process.env.BENCH_WARMUP ?? 3);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 32);
const users = Number(process.env.BENCH_USERS ?? 5);
const GOALS = { health: 0.95, me: 0.9, signIn: 0.9, peakRssMiB: 350 };
const nextBin = path.join(root, "node_modules", "next", "dist", "bin", "next");
const plainDir = path.join(root, "bench", "plain-next");

let embedded = null;
const servers = [];

// With two CPUs or more and taskset(1), the servers (and the hash-rate probe) get CPU 0 and this
// process (the load generator) and PostgreSQL share CPU 1, so the figures measure the server's own
// work per request, not which process the scheduler favoured. BENCH_PIN=0 turns that off.
const pinned = process.env.BENCH_PIN !== "0" && os.cpus().length >= 2 && hasTaskset();
function hasTaskset() {
  try {
    execFileSync("taskset", ["-p", String(process.pid)], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}
const onServerCpu = (command) => (pinned ? ["taskset", "-c", "0", ...command] : command);

// A process's own CPU time (user + system) and peak RSS, from /proc on Linux; elsewhere left out.
const ticksPerSecond = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || null;
  } catch {
    return null;
  }
})();
async function cpuSeconds(pid) {
  if (!ticksPerSecond) return null;
  try {
    const stat = await readFile(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
  } catch {
    return null;
  }
}
async function peakRssMiB(pid) {
  try {
    const status = await readFile(`/proc/${pid}/status`, "utf8");
    const kb = Number(/^VmHWM:\s+(\d+) kB/m.exec(status)?.[1]);
    return kb ? kb / 1024 : null;
  } catch {
    return null;
  }
}

/** Spawns a server on CPU 0 and resolves when `ready` appears in its output. */
async function startProcess(command, env, ready) {
  const child = spawn(command[0], command.slice(1), {
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  servers.push(child);
  await new Promise((resolve, reject) => {
    child.stdout.on("data", (chunk) => {
      if (ready.test(chunk.toString())) resolve();
    });
    child.on("exit", (code) => reject(new Error(`${command.join(" ")} exited with ${code} before it was ready`)));
  });
  return child;
}

/**
 * This app's production server: `npm start` (scripts/server.mjs, which wraps Next to record the
 * peer address), or with `nextStart` the same build under plain `next start`, to measure the wrapper.
 */
async function startApp(databaseUrl, { nextStart = false } = {}) {
  const port = await freePort();
  const origin = `http://localhost:${port}`;
  const command = nextStart
    ? [process.execPath, nextBin, "start", root, "-p", String(port), "-H", "127.0.0.1"]
    : [process.execPath, path.join(root, "scripts", "server.mjs")];
  const child = await startProcess(
    onServerCpu(command),
    {
      // Under plain `next start` nothing records the socket address: name a header, as a deployment
      // behind an edge would (only /api/health is measured there, which needs no address).
      ...(nextStart ? { NODE_ENV: "production", LOKDOWN_CLIENT_IP_HEADER: "x-real-ip" } : {}),
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      HOSTNAME_BIND: "127.0.0.1",
      WEBAUTHN_ORIGINS: origin,
      WEBAUTHN_RP_ID: "localhost",
      AUTH_SECRET: process.env.AUTH_SECRET ?? randomBytes(32).toString("base64"),
      LOKDOWN_ENCRYPTION_KEY: process.env.LOKDOWN_ENCRYPTION_KEY ?? randomBytes(32).toString("base64"),
      LOKDOWN_SIGNUP_ENABLED: "true",
      LOKDOWN_API_KEYS_ENABLED: "true",
      // The users sign in from one address, far faster than the default limit allows.
      LOGIN_INIT_RATE_LIMIT: "100000/m",
    },
    nextStart ? /Ready/ : /\[lokdown\] ready on/,
  );
  return { base: `http://127.0.0.1:${port}`, pid: child.pid };
}

async function startPlainNext() {
  if (!existsSync(path.join(plainDir, ".next", "BUILD_ID"))) {
    console.log("[bench] building the plain Next.js baseline (bench/plain-next)");
    // With webpack: Turbopack's root is the repository (its lockfile), and from there it bundles the
    // repository's own proxy.ts and instrumentation.ts into this app too, which would not be plain.
    await run(process.execPath, [nextBin, "build", "--webpack"], {
      cwd: plainDir,
      env: { ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" },
    });
  }
  const port = await freePort();
  const child = await startProcess(
    onServerCpu([process.execPath, nextBin, "start", plainDir, "-p", String(port), "-H", "127.0.0.1"]),
    { NODE_ENV: "production" },
    /Ready|started server/i,
  );
  return { base: `http://127.0.0.1:${port}`, pid: child.pid };
}

/**
 * The password hash's own rate: argon2id verifications of a current-parameters hash for `seconds`,
 * in a child process on the servers' CPU, as many at a time as the server lets itself run
 * (lib/auth/password/password.ts HASH_SLOTS: one per CPU the process may use, a libuv pool thread left free).
 */
async function hashRate(seconds) {
  const probe = `
    const { hash, verify } = require(${JSON.stringify(path.join(root, "node_modules", "@node-rs", "argon2"))});
    const slots = Math.max(1, Math.min(require("node:os").availableParallelism(), (Number(process.env.UV_THREADPOOL_SIZE) || 4) - 1));
    (async () => {
      const stored = await hash("bench password", { algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1 });
      const end = Date.now() + ${seconds * 1000};
      let done = 0;
      await Promise.all(Array.from({ length: slots }, async () => { while (Date.now() < end) { await verify(stored, "bench password"); done++; } }));
      console.log(done / ${seconds});
    })();`;
  const command = onServerCpu([process.execPath, "-e", probe]);
  return Number(execFileSync(command[0], command.slice(1), { encoding: "utf8" }).trim());
}

async function api(base, method, pathname, { body, headers = {} } = {}) {
  const res = await fetch(base + pathname, {
    method,
    headers: { ...(body ? { "content-type": "application/json" } : {}), ...headers },
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = await res.json();
  if (!res.ok) throw new Error(`${method} ${pathname} → ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/** A user, an access token from a password login and an API key, through the public API. */
async function seedUser(base) {
  const username = `bench${randomBytes(4).toString("hex")}`;
  const password = `bench ${randomBytes(12).toString("base64url")} passphrase`;
  await api(base, "POST", "/api/auth/register", { body: { username, email: `${username}@example.com`, password } });
  const login = await api(base, "POST", "/api/auth/login", { body: { username, password } });
  const access = login.access_token;
  const key = await api(base, "POST", "/api/auth/api-keys", {
    body: { name: "bench", password },
    headers: { authorization: `Bearer ${access}` },
  });
  return { username, password, access, apiKey: key.api_key };
}

/** Each request carries the next of `variants` in turn: several users' credentials, as in real traffic. */
function measure(url, variants, seconds, method = "GET") {
  let next = 0;
  return autocannon({
    url,
    method,
    connections,
    duration: seconds,
    timeout: 30,
    requests: [
      {
        setupRequest: (request) => {
          const variant = variants[next++ % variants.length];
          return { ...request, ...variant, headers: { ...request.headers, ...variant.headers } };
        },
      },
    ],
  });
}

function machine() {
  const cpus = os.cpus();
  const models = [...new Set(cpus.map((c) => c.model.trim()))].join(", ");
  return `${cpus.length} logical CPUs (${models}), ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${os.type()} ${os.release()} ${os.arch()}, Node ${process.version}`;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const num = (n, digits = 0) =>
  n === null || Number.isNaN(n)
    ? "—"
    : n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
const pad = (s, n) => String(s).padEnd(n);

async function main() {
  if (pinned) execFileSync("taskset", ["-p", "-c", "1", String(process.pid)], { stdio: "ignore" });
  let databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    embedded = await startEmbeddedPostgres({
      dataDir: path.join(root, ".data", "bench-postgres"),
      databaseNames: ["lokdown_bench"],
      fresh: true,
    });
    databaseUrl = embedded.urlFor("lokdown_bench");
  }
  const plain = await startPlainNext();
  const app = await startApp(databaseUrl);
  const appUnderNextStart = await startApp(databaseUrl, { nextStart: true });
  const seeded = [];
  for (let i = 0; i < users; i++) seeded.push(await seedUser(app.base));
  const json = { "content-type": "application/json" };
  const targets = [
    { name: "plain Next.js GET /api/ping", server: plain, path: "/api/ping", variants: [{ headers: {} }] },
    { name: "GET /api/health", server: app, path: "/api/health", variants: [{ headers: {} }], goal: GOALS.health },
    {
      name: "GET /api/health, next start",
      server: appUnderNextStart,
      path: "/api/health",
      variants: [{ headers: {} }],
    },
    {
      name: "GET /api/me, Bearer",
      server: app,
      path: "/api/me",
      variants: seeded.map((u) => ({ headers: { authorization: `Bearer ${u.access}` } })),
      goal: GOALS.me,
    },
    {
      name: "GET /api/me, API key",
      server: app,
      path: "/api/me",
      variants: seeded.map((u) => ({ headers: { authorization: `Api-Key ${u.apiKey}` } })),
      goal: GOALS.me,
    },
    {
      name: "POST /api/auth/login (no 2FA)",
      server: app,
      path: "/api/auth/login",
      method: "POST",
      variants: seeded.map((u) => ({
        headers: json,
        body: JSON.stringify({ username: u.username, password: u.password }),
      })),
      signIn: true,
    },
  ];

  console.log(
    `\nMachine: ${machine()}; load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}`,
  );
  console.log(
    `Each target: ${warmup} s warm-up, then ${rounds} rounds of ${duration} s taking turns, ${connections} connections, ` +
      `the credentials of ${users} users in turn ` +
      (pinned
        ? "(both servers and the hash probe on CPU 0; autocannon and PostgreSQL on CPU 1).\n"
        : "(unpinned: autocannon shares the CPUs with the servers).\n"),
  );
  for (const target of targets) await measure(target.server.base + target.path, target.variants, warmup, target.method);
  const results = targets.map(() => ({ perRound: [], cpuPerRequest: [], p50: [], p99: [] }));
  const hashRounds = [];
  for (let round = 0; round < rounds; round++) {
    for (const [i, target] of targets.entries()) {
      const cpuBefore = await cpuSeconds(target.server.pid);
      const r = await measure(target.server.base + target.path, target.variants, duration, target.method);
      const cpuAfter = await cpuSeconds(target.server.pid);
      if (r.non2xx > 0 || r.errors > 0)
        throw new Error(
          `${target.name}: ${r.non2xx} non-2xx answers and ${r.errors} errors; the numbers would not mean anything`,
        );
      const t = results[i];
      t.perRound.push(r.requests.total / r.duration);
      if (cpuBefore !== null && cpuAfter !== null)
        t.cpuPerRequest.push(((cpuAfter - cpuBefore) / r.requests.total) * 1e3);
      t.p50.push(r.latency.p50);
      t.p99.push(r.latency.p99);
    }
    hashRounds.push(await hashRate(duration));
  }

  const ratio = (i, baseline) => median(results[i].perRound.map((rps, round) => rps / baseline[round]));
  const baseline = results[0].perRound;
  // Wide enough for all rounds: a figure and its " / " take up to 9 characters ("1,957 / ", "141.0 / ").
  const roundsWidth = Math.max(26, rounds * 9 + 2);
  console.log(
    `${pad("target", 32)}${pad("req/s", 9)}${pad("rounds (req/s)", roundsWidth)}${pad("p50 ms", 8)}${pad("p99 ms", 8)}${pad("CPU ms/req", 12)}${pad("ratio", 8)}goal`,
  );
  for (const [i, target] of targets.entries()) {
    const r = results[i];
    const against = target.signIn ? hashRounds : baseline;
    const x = ratio(i, against);
    const goal = target.goal ?? (target.signIn ? GOALS.signIn : null);
    const verdict =
      goal === null
        ? ""
        : `≥ ${goal.toFixed(2)}${target.signIn ? " × hash rate" : ""}: ${x >= goal ? "met" : "NOT met"}`;
    console.log(
      `${pad(target.name, 32)}${pad(num(median(r.perRound), target.signIn ? 1 : 0), 9)}${pad(r.perRound.map((v) => num(v, target.signIn ? 1 : 0)).join(" / "), roundsWidth)}` +
        `${pad(median(r.p50), 8)}${pad(median(r.p99), 8)}${pad(num(median(r.cpuPerRequest) ?? null, 2), 12)}${pad(num(x, 2), 8)}${verdict}`,
    );
  }
  console.log(
    `${pad("argon2id verify, same CPU", 32)}${pad(num(median(hashRounds), 1), 9)}${pad(hashRounds.map((v) => num(v, 1)).join(" / "), roundsWidth)}(the sign-in row's ratio is to this rate)`,
  );
  const [plainPeak, appPeak] = [await peakRssMiB(plain.pid), await peakRssMiB(app.pid)];
  console.log(
    `\nPeak RSS over the run: this app's server ${num(appPeak)} MiB (goal ≤ ${GOALS.peakRssMiB} MiB: ${appPeak !== null && appPeak <= GOALS.peakRssMiB ? "met" : "NOT met"}); plain Next.js ${num(plainPeak)} MiB.`,
  );
}

try {
  await main();
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
} finally {
  await Promise.all(
    servers
      .filter((child) => child.exitCode === null)
      .map((child) => {
        const exited = new Promise((resolve) => child.on("exit", resolve));
        child.kill("SIGTERM");
        return Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
      }),
  );
  await embedded?.stop();
}
