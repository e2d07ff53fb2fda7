import { describe, expect, it } from "vitest";
import * as login from "@/app/api/auth/login/route";
import { call } from "../helpers/http";
import { overrideSettings } from "../helpers/settings";
import { freezeTime } from "../helpers/two-factor";

/**
 * Issue 15.4: per-address limits count hosts. Every address of one IPv6 /64 shares one counter,
 * and an IPv4 client counts the same whether it arrives as 198.51.100.7 or ::ffff:198.51.100.7.
 */
const attempt = (ip: string, i: number) =>
  call(login.POST, "POST", "/api/auth/login", {
    client: { ip, userAgent: "vitest" },
    body: { username: `nobody-${i}`, password: "whatever-123" },
  });

describe("per-address rate limits", () => {
  it("rotating through one /64 does not escape the limit; another /64 is unaffected", async () => {
    freezeTime();
    overrideSettings({ rateLimits: { login: { limit: 3, windowSeconds: 60 } } });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await attempt(`2001:db8:15:4::${(i + 1).toString(16)}`, i)).status);
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
    expect((await attempt("2001:db8:15:5::1", 9)).status).toBe(401);
  });

  it("IPv4-mapped IPv6 and plain IPv4 are one client", async () => {
    freezeTime();
    overrideSettings({ rateLimits: { login: { limit: 3, windowSeconds: 60 } } });
    const spellings = ["198.51.100.7", "::ffff:198.51.100.7", "::ffff:c633:6407", "198.51.100.7"];
    const statuses: number[] = [];
    for (const [i, ip] of spellings.entries()) statuses.push((await attempt(ip, i)).status);
    expect(statuses).toEqual([401, 401, 401, 429]);
  });
});
