import { describe, expect, it } from "vitest";
import { REFUSAL_LOG_INTERVAL_MS, UnknownClientGuard } from "@/lib/http/unknown-client";

const edge = { header: "x-real-ip", trustedProxies: 0, peerHeaderTrusted: false };
const noAddress = new Headers({ "x-forwarded-for": "198.51.100.1" });

function guardWithLog() {
  const lines: string[] = [];
  return { lines, guard: new UnknownClientGuard({ error: (line: string) => lines.push(line) }) };
}

describe("refusing requests without a client address", () => {
  it("logs why once per window, not once per request, counting the refusals in between", () => {
    const { lines, guard } = guardWithLog();
    const t0 = 1_000_000;
    for (let i = 0; i < 50; i++)
      expect(guard.check("/api/auth/login", noAddress, true, edge, t0 + i * 100)).toMatch(/no x-real-ip header/);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/refused 1 request .*no x-real-ip header.*LOKDOWN_CLIENT_IP_HEADER/);
    guard.check("/login", noAddress, true, edge, t0 + REFUSAL_LOG_INTERVAL_MS);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/refused 50 requests .*latest: \/login/);
  });

  it("lets through requests with an address, health checks, and everything outside production", () => {
    const { lines, guard } = guardWithLog();
    expect(guard.check("/api/auth/login", new Headers({ "x-real-ip": "198.51.100.1" }), true, edge)).toBeNull();
    expect(guard.check("/api/health", noAddress, true, edge)).toBeNull();
    expect(guard.check("/api/health/ready", noAddress, true, edge)).toBeNull();
    expect(guard.check("/api/auth/login", noAddress, false, edge)).toBeNull();
    expect(lines).toEqual([]);
  });
});
