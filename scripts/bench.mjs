// `npm run bench`: what authentication costs. Starts the production server (building it first if
// there is no build), signs up a user, takes an access token and an API key, then measures
// requests per second with autocannon, every target with the same duration and connections:
//   GET /api/health   no authentication, no database: the bare framework route
//   GET /api/whoami   authentication only (Bearer, then Api-Key): the cost of authenticating
//   GET /api/me       the example endpoint: authentication plus one profile read
// The targets take turns in several rounds, so a neighbour's load that comes and goes is spread
// over all of them; the ratios to the bare route are printed with the machine. PostgreSQL is a
// fresh embedded server unless DATABASE_URL is set (then that database gets one extra user).
//   BENCH_ROUNDS=3 BENCH_DURATION=5 BENCH_CONNECTIONS=10 npm run bench
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import os from "node:os";
import path from "node:path";
import autocannon from "autocannon";
import { freePort, root, startEmbeddedPostgres } from "./lib/database.mjs";

const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const duration = Number(process.env.BENCH_DURATION ?? 5);
const warmup = Number(process.env.BENCH_WARMUP ?? 3);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 10);
const GOAL = 0.15;

let embedded = null;
let server = null;

async function startServer(databaseUrl) {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const origin = `http://localhost:${port}`;
  server = spawn(process.execPath, [path.join(root, "scripts", "server.mjs")], {
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
async function seed(base) {
  const username = `bench${randomBytes(4).toString("hex")}`;
  const password = `bench ${randomBytes(12).toString("base64url")} passphrase`;
  await api(base, "POST", "/api/auth/register", { body: { username, email: `${username}@example.com`, password } });
  const login = await api(base, "POST", "/api/auth/login", { body: { username, password } });
  const access = login.access_token;
  const key = await api(base, "POST", "/api/auth/api-keys", { body: { name: "bench", password }, headers: { authorization: `Bearer ${access}` } });
  return { access, apiKey: key.api_key };
}

function measure(url, headers, seconds) {
  return autocannon({ url, connections, duration: seconds, headers });
}

function machine() {
  const cpus = os.cpus();
  const models = [...new Set(cpus.map((c) => c.model.trim()))].join(", ");
  return `${cpus.length} logical CPUs (${models}), ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${os.type()} ${os.release()} ${os.arch()}, Node ${process.version}`;
}

async function main() {
  let databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    embedded = await startEmbeddedPostgres({ dataDir: path.join(root, ".data", "bench-postgres"), databaseNames: ["lokdown_bench"], fresh: true });
    databaseUrl = embedded.urlFor("lokdown_bench");
  }
  const base = await startServer(databaseUrl);
  const { access, apiKey } = await seed(base);
  const bearer = { authorization: `Bearer ${access}` };
  const keyAuth = { authorization: `Api-Key ${apiKey}` };
  const targets = [
    { name: "GET /api/health   no auth (bare)", path: "/api/health", headers: {} },
    { name: "GET /api/whoami   Bearer token", path: "/api/whoami", headers: bearer },
    { name: "GET /api/whoami   API key", path: "/api/whoami", headers: keyAuth },
    { name: "GET /api/me       Bearer token", path: "/api/me", headers: bearer },
    { name: "GET /api/me       API key", path: "/api/me", headers: keyAuth },
  ];

  console.log(`\nMachine: ${machine()}; load average ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}`);
  console.log(
    `Each target: ${warmup} s warm-up, then ${rounds} rounds of ${duration} s taking turns, ${connections} connections ` +
      "(autocannon shares the machine with the server and PostgreSQL).\n",
  );
  for (const target of targets) await measure(base + target.path, target.headers, warmup);
  const totals = targets.map(() => ({ requests: 0, seconds: 0, perRound: [], p50: [], p99: [] }));
  for (let round = 0; round < rounds; round++) {
    for (const [i, target] of targets.entries()) {
      const r = await measure(base + target.path, target.headers, duration);
      if (r.non2xx > 0 || r.errors > 0) throw new Error(`${target.name}: ${r.non2xx} non-2xx answers and ${r.errors} errors; the numbers would not mean anything`);
      const t = totals[i];
      t.requests += r.requests.total;
      t.seconds += r.duration;
      t.perRound.push(r.requests.total / r.duration);
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
  console.log(`${pad("target", 36)}${pad("req/s", 9)}${pad("rounds (req/s)", 22)}${pad("p50 ms", 8)}${pad("p99 ms", 8)}vs bare`);
  for (const r of results) {
    const ratio = r.rps / bare;
    const spread = r.perRound.map((x) => num(x)).join(" / ");
    console.log(`${pad(r.name, 36)}${pad(num(r.rps), 9)}${pad(spread, 22)}${pad(median(r.p50), 8)}${pad(median(r.p99), 8)}${num(ratio, 2)}${r === results[0] ? "" : ` (${change(ratio)})`}`);
  }
  const cost = (r) => 1 - r.rps / bare;
  const worst = Math.max(cost(results[1]), cost(results[2]));
  console.log(
    `\nAuthentication cost (whoami vs bare): Bearer ${num(cost(results[1]) * 100, 1)}%, API key ${num(cost(results[2]) * 100, 1)}% — goal < ${GOAL * 100}%: ${worst < GOAL ? "met" : "NOT met"}.`,
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
