// `npm run bench`: what authentication costs. Starts the production server (building it first if
// there is no build), signs up a few users (BENCH_USERS) and takes an access token and an API key
// of each, then measures requests per second with autocannon, every target with the same duration
// and connections, the requests carrying the users' credentials in turn:
//   GET /api/health   no authentication, no database: the bare framework route
//   GET /api/whoami   authentication only (Bearer, then Api-Key): the cost of authenticating
//   GET /api/me       the example endpoint: authentication plus one profile read
// The targets take turns in several rounds, so a neighbour's load that comes and goes is spread
// over all of them; the ratios to the bare route are printed with the machine. PostgreSQL is a
// fresh embedded server unless DATABASE_URL is set (then that database gets the extra users).
//   BENCH_ROUNDS=5 BENCH_WARMUP=5 BENCH_DURATION=5 BENCH_CONNECTIONS=10 BENCH_USERS=5 BENCH_PIN=1 npm run bench
import { execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import autocannon from "autocannon";
import { freePort, root, startEmbeddedPostgres } from "./lib/database.mjs";

const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
const duration = Number(process.env.BENCH_DURATION ?? 5);
const warmup = Number(process.env.BENCH_WARMUP ?? 5);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 10);
const users = Number(process.env.BENCH_USERS ?? 5);
const GOAL = 0.15;

let embedded = null;
let server = null;

// With two CPUs or more and taskset(1), the server gets CPU 0 to itself and this process (the load
// generator) and PostgreSQL share CPU 1, so the figures measure the server's own work per request,
// not which process the scheduler favoured. BENCH_PIN=0 turns that off.
const pinned = process.env.BENCH_PIN !== "0" && os.cpus().length >= 2 && hasTaskset();
function hasTaskset() {
  try {
    execFileSync("taskset", ["-p", String(process.pid)], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

// The server's own CPU time (user + system), from /proc on Linux: what a request costs it, whatever
// the load generator managed. Elsewhere the column is left out.
const ticksPerSecond = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || null;
  } catch {
    return null;
  }
})();
async function serverCpuSeconds() {
  if (!ticksPerSecond || !server?.pid) return null;
  try {
    const stat = await readFile(`/proc/${server.pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
  } catch {
    return null;
  }
}

async function startServer(databaseUrl) {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const origin = `http://localhost:${port}`;
  const command = [process.execPath, path.join(root, "scripts", "server.mjs")];
  if (pinned) command.unshift("taskset", "-c", "0");
  server = spawn(command[0], command.slice(1), {
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      HOSTNAME_BIND: "127.0.0.1",
      WEBAUTHN_ORIGINS: origin,
      WEBAUTHN_RP_ID: "localhost",
      AUTH_SECRET: process.env.AUTH_SECRET ?? randomBytes(32).toString("base64"),
      LOKDOWN_ENCRYPTION_KEY: process.env.LOKDOWN_ENCRYPTION_KEY ?? randomBytes(32).toString("base64"),
      LOKDOWN_SIGNUP_ENABLED: "true",
      LOKDOWN_API_KEYS_ENABLED: "true",
      // The users are signed in from one address, faster than the default limit allows.
      LOGIN_INIT_RATE_LIMIT: "1000/m",
      NEXT_TELEMETRY_DISABLED: "1",
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  await new Promise((resolve, reject) => {
    server.stdout.on("data", (chunk) => {
      const text = chunk.toString();
      if (!text.includes("[lokdown] ready on")) process.stdout.write(text);
      else resolve();
    });
    server.on("exit", (code) => reject(new Error(`server exited with ${code} before it was ready`)));
  });
  return base;
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
  const key = await api(base, "POST", "/api/auth/api-keys", { body: { name: "bench", password }, headers: { authorization: `Bearer ${access}` } });
  return { access, apiKey: key.api_key };
}

/** Each request carries the next of `headerSets` in turn: several users' credentials, as in real traffic. */
function measure(url, headerSets, seconds) {
  let next = 0;
  return autocannon({
    url,
    connections,
    duration: seconds,
    requests: [{ setupRequest: (request) => ({ ...request, headers: { ...request.headers, ...headerSets[next++ % headerSets.length] } }) }],
  });
}

function machine() {
  const cpus = os.cpus();
  const models = [...new Set(cpus.map((c) => c.model.trim()))].join(", ");
  return `${cpus.length} logical CPUs (${models}), ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${os.type()} ${os.release()} ${os.arch()}, Node ${process.version}`;
}

async function main() {
  if (pinned) execFileSync("taskset", ["-p", "-c", "1", String(process.pid)], { stdio: "ignore" });
  let databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    embedded = await startEmbeddedPostgres({ dataDir: path.join(root, ".data", "bench-postgres"), databaseNames: ["lokdown_bench"], fresh: true });
    databaseUrl = embedded.urlFor("lokdown_bench");
  }
  const base = await startServer(databaseUrl);
  const seeded = [];
  for (let i = 0; i < users; i++) seeded.push(await seedUser(base));
  const bearer = seeded.map((u) => ({ authorization: `Bearer ${u.access}` }));
  const keyAuth = seeded.map((u) => ({ authorization: `Api-Key ${u.apiKey}` }));
  const targets = [
    { name: "GET /api/health   no auth (bare)", path: "/api/health", headers: [{}] },
    { name: "GET /api/whoami   Bearer token", path: "/api/whoami", headers: bearer },
    { name: "GET /api/whoami   API key", path: "/api/whoami", headers: keyAuth },
    { name: "GET /api/me       Bearer token", path: "/api/me", headers: bearer },
    { name: "GET /api/me       API key", path: "/api/me", headers: keyAuth },
  ];

  console.log(`\nMachine: ${machine()}; load average ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}`);
  console.log(
    `Each target: ${warmup} s warm-up, then ${rounds} rounds of ${duration} s taking turns, ${connections} connections, ` +
      `the credentials of ${users} users in turn ` +
      (pinned
      ? "(the server alone on CPU 0; autocannon and PostgreSQL on CPU 1).\n"
      : "(autocannon shares the machine with the server and PostgreSQL).\n"),
  );
  for (const target of targets) await measure(base + target.path, target.headers, warmup);
  const totals = targets.map(() => ({ requests: 0, seconds: 0, perRound: [], cpuPerRequest: [], p50: [], p99: [] }));
  for (let round = 0; round < rounds; round++) {
    for (const [i, target] of targets.entries()) {
      const cpuBefore = await serverCpuSeconds();
      const r = await measure(base + target.path, target.headers, duration);
      const cpuAfter = await serverCpuSeconds();
      if (r.non2xx > 0 || r.errors > 0) throw new Error(`${target.name}: ${r.non2xx} non-2xx answers and ${r.errors} errors; the numbers would not mean anything`);
      const t = totals[i];
      t.requests += r.requests.total;
      t.seconds += r.duration;
      t.perRound.push(r.requests.total / r.duration);
      if (cpuBefore !== null && cpuAfter !== null) t.cpuPerRequest.push(((cpuAfter - cpuBefore) / r.requests.total) * 1e6);
      t.p50.push(r.latency.p50);
      t.p99.push(r.latency.p99);
    }
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const results = targets.map((t, i) => ({ ...t, rps: totals[i].requests / totals[i].seconds, ...totals[i] }));

  const bare = results[0].rps;
  const pad = (s, n) => String(s).padEnd(n);
  const num = (n, digits = 0) => n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
  const change = (ratio) => `${ratio <= 1 ? "−" : "+"}${num(Math.abs(1 - ratio) * 100)}%`;
  const spreads = results.map((r) => r.perRound.map((x) => num(x)).join(" / "));
  const spreadWidth = Math.max(16, ...spreads.map((x) => x.length)) + 2;
  const withCpu = results.every((r) => r.cpuPerRequest.length === rounds);
  const cpuColumn = (r) => (withCpu ? pad(num(median(r.cpuPerRequest)), 15) : "");
  console.log(`${pad("target", 36)}${pad("req/s", 9)}${pad("rounds (req/s)", spreadWidth)}${pad("p50 ms", 8)}${pad("p99 ms", 8)}${withCpu ? pad("server µs/req", 15) : ""}vs bare`);
  for (const [i, r] of results.entries()) {
    const ratio = r.rps / bare;
    console.log(`${pad(r.name, 36)}${pad(num(r.rps), 9)}${pad(spreads[i], spreadWidth)}${pad(median(r.p50), 8)}${pad(median(r.p99), 8)}${cpuColumn(r)}${num(ratio, 2)}${r === results[0] ? "" : ` (${change(ratio)})`}`);
  }
  // Each round measures the bare route and then the others within seconds of each other, so the
  // cost is judged per round (median over rounds): a slow drift of the whole machine cancels out.
  const costs = (r) => r.perRound.map((rps, round) => 1 - rps / results[0].perRound[round]);
  const summary = (r) => {
    const each = costs(r);
    return { median: median(each), low: Math.min(...each), high: Math.max(...each) };
  };
  const bearerCost = summary(results[1]);
  const keyCost = summary(results[2]);
  const percent = (x) => `${x < 0 ? "−" : ""}${num(Math.abs(x) * 100, 1)}%`;
  console.log(
    `\nAuthentication cost (whoami vs bare, median of ${rounds} paired rounds): ` +
      `Bearer ${percent(bearerCost.median)} (rounds ${percent(bearerCost.low)} to ${percent(bearerCost.high)}), ` +
      `API key ${percent(keyCost.median)} (rounds ${percent(keyCost.low)} to ${percent(keyCost.high)}) — ` +
      `goal < ${GOAL * 100}%: ${Math.max(bearerCost.median, keyCost.median) < GOAL ? "met" : "NOT met"}.` +
      (Math.min(bearerCost.median, keyCost.median) < 0 ? " A negative cost means the authenticated route answered more requests than the bare one (README, Benchmark)." : ""),
  );
}

try {
  await main();
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
} finally {
  if (server && server.exitCode === null) {
    const exited = new Promise((resolve) => server.on("exit", resolve));
    server.kill("SIGTERM");
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
  }
  await embedded?.stop();
}
