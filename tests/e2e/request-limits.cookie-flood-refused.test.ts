import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAppServer, type AppServer } from "../helpers/server";

/**
 * A Cookie header with thousands of pairs used to cost Next.js's quadratic cookie copy hundreds of
 * milliseconds of CPU per request (1,500 cookies: ~670 ms), enough for a few such requests to stall
 * everyone else. The proxy refuses them with 431 before Next parses a cookie, on pages and on the
 * API alike, and the server keeps answering other requests.
 */

let app: AppServer;

beforeAll(async () => {
  app = await startAppServer({});
}, 180_000);

afterAll(async () => {
  await app?.stop();
});

const flood = Array.from({ length: 1500 }, (_, i) => `c${i}=v`).join("; "); // ~12 KB
const twoLetters = Array.from(
  { length: 2600 },
  (_, i) => `${String.fromCharCode(97 + (i % 26))}${String.fromCharCode(97 + (Math.floor(i / 26) % 26))}=1`,
).join("; "); // ~14 KB

/** Raw HTTP, so that nothing between the test and the server drops or rewrites the header. */
function send(
  path: string,
  headers: Record<string, string>,
  method = "GET",
  body?: string,
): Promise<{ status: number; body: string }> {
  const url = new URL(app.baseURL);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: "127.0.0.1", port: url.port, path, method, headers }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (text += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

describe("a request with too many cookies", () => {
  it("is refused with a JSON 431 on the API, on pages and on writes", async () => {
    for (const [path, method, cookie] of [
      ["/api/health", "GET", flood],
      ["/api/health", "GET", twoLetters],
      ["/api/me", "GET", flood],
      ["/login", "GET", flood],
      ["/api/auth/login", "POST", flood],
    ] as const) {
      const headers: Record<string, string> = {
        cookie,
        ...(method === "POST" ? { "content-type": "application/json" } : {}),
      };
      const res = await send(path, headers, method, method === "POST" ? "{}" : undefined);
      expect(res.status, `${method} ${path}`).toBe(431);
      expect(JSON.parse(res.body)).toEqual({
        error: "Request header fields too large",
        code: "request_header_too_large",
      });
    }
  });

  it("an ordinary number of cookies is served as before", async () => {
    const some = Array.from({ length: 20 }, (_, i) => `c${i}=v`).join("; ");
    expect((await send("/api/health", { cookie: some })).status).toBe(200);
    expect((await send("/login", { cookie: some })).status).toBe(200);
  });

  it("a burst of them does not keep an ordinary request from being served", async () => {
    const burst = Array.from({ length: 16 }, () => send("/api/health", { cookie: twoLetters }));
    const normal = send("/api/health", {});
    const [answers, ordinary] = await Promise.all([Promise.all(burst), normal]);
    expect(answers.map((a) => a.status)).toEqual(Array(16).fill(431));
    expect(ordinary.status).toBe(200);
    expect(JSON.parse(ordinary.body)).toEqual({ status: "ok" });
  });
});
