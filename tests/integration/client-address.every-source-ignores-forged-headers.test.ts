import fc from "fast-check";
import { NextRequest } from "next/server";
import { describe, expect, it } from "vitest";
import * as login from "@/app/api/auth/login/route";
import * as health from "@/app/api/health/route";
import { PEER_HEADER, type ClientAddressConfig } from "@/lib/auth/request/client";
import { db } from "@/lib/db";
import { settings } from "@/lib/env";
import { proxy } from "@/proxy";
import { call, newClient, noParams } from "../helpers/http";
import { overrideSettings } from "../helpers/settings";

/**
 * Where the client address comes from (LOKDOWN_CLIENT_IP_HEADER, LOKDOWN_TRUSTED_PROXIES, the
 * bundled server), through a real route handler: the address recorded for a failed sign-in is the
 * one the configured source gives, whatever else the client forges, for IPv4, IPv6 and
 * IPv4-mapped IPv6. In production a request without one is refused and never counted in a bucket
 * shared with other clients.
 */

const FORGED = "203.0.113.66";
const PROXY = "10.9.0.1";
const INNER_PROXY = "10.9.0.2";

/** How a client's address is written by the socket or an edge, and its canonical form. */
const FAMILIES = [
  { name: "IPv4", raw: "198.51.100.23", canonical: "198.51.100.23" },
  { name: "IPv6", raw: "2001:DB8:5::23", canonical: "2001:db8:5::23" },
  { name: "IPv4-mapped IPv6", raw: "::ffff:198.51.100.23", canonical: "198.51.100.23" },
] as const;

const bundled = (trustedProxies = 0): ClientAddressConfig => ({
  header: null,
  trustedProxies,
  peerHeaderTrusted: true,
});
const edge = (header: string, trustedProxies = 0): ClientAddressConfig => ({
  header,
  trustedProxies,
  peerHeaderTrusted: false,
});

/** Every header a client could forge, all set to the attacker's pick unless a row says otherwise. */
const forgedEverything = {
  [PEER_HEADER]: FORGED,
  "x-forwarded-for": FORGED,
  "x-real-ip": FORGED,
  "cf-connecting-ip": FORGED,
  "fly-client-ip": FORGED,
  "x-vercel-forwarded-for": FORGED,
};

type Row = {
  source: string;
  config: ClientAddressConfig;
  headers: (client: string) => Record<string, string>;
  resolves: boolean;
};

const ROWS: Row[] = [
  {
    source: "socket (bundled server), client forges every edge header",
    config: bundled(),
    headers: (c) => ({ ...forgedEverything, [PEER_HEADER]: c }),
    resolves: true,
  },
  {
    source: "socket without the bundled server (plain next start): a client-sent x-lokdown-peer",
    config: { ...bundled(), peerHeaderTrusted: false },
    headers: (c) => ({ ...forgedEverything, [PEER_HEADER]: c }),
    resolves: false,
  },
  {
    source: "socket behind 1 proxy, forged X-Forwarded-For prefix",
    config: bundled(1),
    headers: (c) => ({ ...forgedEverything, [PEER_HEADER]: PROXY, "x-forwarded-for": `${FORGED}, ${c}` }),
    resolves: true,
  },
  {
    source: "socket behind 2 proxies, forged X-Forwarded-For prefix",
    config: bundled(2),
    headers: (c) => ({
      ...forgedEverything,
      [PEER_HEADER]: PROXY,
      "x-forwarded-for": `${FORGED}, ${FORGED}, ${c}, ${INNER_PROXY}`,
    }),
    resolves: true,
  },
  {
    source: "socket behind 1 proxy, request bypassing it",
    config: bundled(1),
    headers: (c) => ({ [PEER_HEADER]: c }),
    resolves: false,
  },
  {
    source: "x-real-ip (nginx)",
    config: edge("x-real-ip"),
    headers: (c) => ({ ...forgedEverything, "x-real-ip": c }),
    resolves: true,
  },
  {
    source: "cf-connecting-ip (Cloudflare)",
    config: edge("cf-connecting-ip"),
    headers: (c) => ({ ...forgedEverything, "cf-connecting-ip": c }),
    resolves: true,
  },
  {
    source: "fly-client-ip (Fly)",
    config: edge("fly-client-ip"),
    headers: (c) => ({ ...forgedEverything, "fly-client-ip": c }),
    resolves: true,
  },
  {
    source: "x-vercel-forwarded-for (Vercel)",
    config: edge("x-vercel-forwarded-for"),
    headers: (c) => ({ ...forgedEverything, "x-vercel-forwarded-for": c }),
    resolves: true,
  },
  {
    source: "x-real-ip missing: the request did not come through the edge",
    config: edge("x-real-ip"),
    headers: (c) => ({ [PEER_HEADER]: c, "x-forwarded-for": c, "cf-connecting-ip": c }),
    resolves: false,
  },
  {
    source: "x-real-ip carrying a list (appended to, not overwritten)",
    config: edge("x-real-ip"),
    headers: (c) => ({ "x-real-ip": `${FORGED}, ${c}` }),
    resolves: false,
  },
  {
    source: "x-forwarded-for behind 1 proxy (Caddy), forged prefix",
    config: edge("x-forwarded-for", 1),
    headers: (c) => ({ ...forgedEverything, "x-forwarded-for": `${FORGED}, ${c}` }),
    resolves: true,
  },
  {
    source: "x-forwarded-for behind 2 proxies, forged prefix",
    config: edge("x-forwarded-for", 2),
    headers: (c) => ({ ...forgedEverything, "x-forwarded-for": `${FORGED}, ${c}, ${INNER_PROXY}` }),
    resolves: true,
  },
  {
    source: "x-forwarded-for behind 2 proxies, chain too short",
    config: edge("x-forwarded-for", 2),
    headers: (c) => ({ ...forgedEverything, "x-forwarded-for": c }),
    resolves: false,
  },
];

/** Production with this source for the current test (LOKDOWN_CLIENT_IP_HEADER, LOKDOWN_TRUSTED_PROXIES, the bundled server). */
function useSource({ header, trustedProxies, peerHeaderTrusted }: ClientAddressConfig, { production = true } = {}) {
  overrideSettings({ production, trustedProxies, clientAddress: { header, peerHeaderTrusted } });
}

async function failedSignIn(headers: Record<string, string>) {
  await db.securityEvent.deleteMany();
  const res = await call(login.POST, "POST", "/api/auth/login", {
    headers: { "user-agent": "address-table", ...headers },
    body: { username: "nobody-here", password: "wrong-password-1" },
  });
  const event = await db.securityEvent.findFirst({
    where: { type: "login.failed" },
    orderBy: { createdAt: "desc" },
    select: { ipAddress: true },
  });
  return { res, recordedIp: event?.ipAddress };
}

describe("the client address under every source", () => {
  for (const row of ROWS) {
    for (const family of FAMILIES) {
      it(`${row.source} — ${family.name}`, async () => {
        useSource(row.config);
        const { res, recordedIp } = await failedSignIn(row.headers(family.raw));
        if (row.resolves) {
          expect(res.status, res.text).toBe(401);
          expect(recordedIp).toBe(family.canonical);
        } else {
          expect(res.status, res.text).toBe(400);
          expect(res.json).toEqual({ error: expect.any(String), code: "client_address_unknown" });
          expect(recordedIp).toBeUndefined();
          expect(await db.rateLimitBucket.count()).toBe(0);
        }
      });
    }
  }

  it("forged X-Forwarded-For chains never move the address (fast-check, through the handler)", async () => {
    const entry = fc.oneof(fc.ipV4(), fc.ipV6(), fc.constantFrom("unknown", "", "[::1]:80", "' OR 1=1 --"));
    overrideSettings({ production: true });
    await fc.assert(
      fc.asyncProperty(fc.array(entry, { maxLength: 6 }), fc.integer({ min: 1, max: 3 }), async (forged, proxies) => {
        const client = "198.51.100.77";
        const hops = Array.from({ length: proxies - 1 }, (_, i) => `10.9.1.${i + 1}`);
        const xff = [...forged, client, ...hops].join(", ");
        settings.clientAddress = { header: "x-forwarded-for", peerHeaderTrusted: false };
        settings.trustedProxies = proxies;
        await db.rateLimitBucket.deleteMany();
        const { res, recordedIp } = await failedSignIn({ "x-forwarded-for": xff, [PEER_HEADER]: FORGED });
        expect(res.status).toBe(401);
        expect(recordedIp).toBe(client);
      }),
      { numRuns: 15 },
    );
  });
});

describe("production without a determinable address", () => {
  it("never shares a bucket: eleven clients without an address are refused, uncounted, and the next real client signs in normally", async () => {
    useSource(edge("x-real-ip"));
    for (let i = 0; i < 11; i++) {
      const { res } = await failedSignIn({
        [PEER_HEADER]: `10.1.0.${i}`,
        "x-forwarded-for": `10.2.0.${i}`,
        "user-agent": `client ${i}`,
      });
      expect(res.status).toBe(400);
      expect(res.json.code).toBe("client_address_unknown");
    }
    expect(await db.rateLimitBucket.count()).toBe(0);
    const { res, recordedIp } = await failedSignIn({ "x-real-ip": "198.51.100.99" });
    expect(res.status).toBe(401);
    expect(recordedIp).toBe("198.51.100.99");
  });

  it("in development the same request is answered (no refusal without a setting)", async () => {
    useSource(edge("x-real-ip"), { production: false });
    const { res } = await failedSignIn({ [PEER_HEADER]: newClient().ip });
    expect(res.status).toBe(401);
  });

  it("proxy.ts refuses every such request with JSON before any page or route runs, except the health checks", async () => {
    useSource(edge("cf-connecting-ip"));
    for (const path of ["/api/auth/login", "/login", "/account"]) {
      const res = proxy(
        new NextRequest(`https://example.com${path}`, {
          headers: { "x-forwarded-for": "198.51.100.1", [PEER_HEADER]: "198.51.100.1" },
        }),
      );
      expect(res.status, path).toBe(400);
      expect(await res.json()).toEqual({ error: expect.any(String), code: "client_address_unknown" });
    }
    for (const path of ["/api/health", "/api/health/ready"]) {
      const res = proxy(new NextRequest(`https://example.com${path}`));
      expect(res.status, path).toBe(200);
      expect(res.headers.get("x-middleware-next")).toBe("1");
    }
    const allowed = proxy(
      new NextRequest("https://example.com/api/auth/login", { headers: { "cf-connecting-ip": "198.51.100.1" } }),
    );
    expect(allowed.headers.get("x-middleware-next")).toBe("1");
    expect((await health.GET(new Request("https://example.com/api/health"), noParams())).status).toBe(200);
  });
});
