import { isIP } from "node:net";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { rateLimitAddressKey } from "@/lib/auth/request/address-key";

/**
 * Issue 15.4: per-address limits count hosts, not spellings. IPv4-mapped IPv6 is the IPv4
 * address; IPv6 is bucketed per /64, so one subscriber's 2^64 addresses share one counter.
 */
describe("rateLimitAddressKey", () => {
  it("IPv4 and IPv4-mapped IPv6 are the same key", () => {
    for (const spelling of [
      "203.0.113.7",
      "::ffff:203.0.113.7",
      "::FFFF:203.0.113.7",
      "[::ffff:203.0.113.7]",
      "::ffff:cb00:7107",
      "0:0:0:0:0:ffff:cb00:7107",
      " 203.0.113.7 ",
    ]) {
      expect(rateLimitAddressKey(spelling), spelling).toBe("203.0.113.7");
    }
  });

  it("every address of one /64 is one key, whatever the spelling", () => {
    const key = rateLimitAddressKey("2001:db8:1:2::1");
    expect(key).toBe("2001:db8:1:2::/64");
    for (const spelling of [
      "2001:db8:1:2:ffff:ffff:ffff:ffff",
      "2001:0DB8:0001:0002:0:0:0:abcd",
      "[2001:db8:1:2::99]",
      "fe80::1%eth0".replace("fe80::1", "2001:db8:1:2::5"),
    ]) {
      expect(rateLimitAddressKey(spelling), spelling).toBe(key);
    }
    expect(rateLimitAddressKey("2001:db8:1:3::1")).not.toBe(key);
    expect(rateLimitAddressKey("::1")).toBe("0:0:0:0::/64");
    expect(rateLimitAddressKey("2001:db8::1.2.3.4")).toBe("2001:db8:0:0::/64");
  });

  it("missing or unparseable addresses share the unknown key", () => {
    for (const value of [null, undefined, "", "not an ip", "1.2.3.999", "1:2:3"])
      expect(rateLimitAddressKey(value)).toBe("unknown");
  });

  it("property: a random /64 interface id never changes the key; IPv4 keys are the address", () => {
    fc.assert(
      fc.property(
        fc.ipV6(),
        fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 4, maxLength: 4 }),
        (address, iid) => {
          const key = rateLimitAddressKey(address);
          if (key.includes("/64")) {
            const prefix = key.slice(0, -"::/64".length);
            expect(rateLimitAddressKey(`${prefix}:${iid.map((g) => g.toString(16)).join(":")}`)).toBe(key);
          } else {
            expect(isIP(key)).toBe(4);
          }
        },
      ),
      { numRuns: 2_000 },
    );
    fc.assert(
      fc.property(fc.ipV4(), (address) => {
        expect(rateLimitAddressKey(address)).toBe(address);
      }),
    );
  });
});
