import { describe, expect, it } from "vitest";
import { clientIpFrom, PEER_HEADER } from "@/lib/auth/request/client";

/** The bundled server is in front (its x-lokdown-peer is the socket's); `proxies` append to X-Forwarded-For. */
const socket = (proxies: number) => ({ header: null, trustedProxies: proxies, peerHeaderTrusted: true });

const headers = (values: Record<string, string>) => new Headers(values);

describe("clientIpFrom", () => {
  it("with no trusted proxy uses the socket peer and ignores a spoofed X-Forwarded-For", () => {
    const h = headers({ [PEER_HEADER]: "203.0.113.7", "x-forwarded-for": "1.2.3.4" });
    expect(clientIpFrom(h, socket(0))).toBe("203.0.113.7");
  });

  it("with no peer header and no proxy trust knows nothing", () => {
    expect(clientIpFrom(headers({ "x-forwarded-for": "1.2.3.4" }), socket(0))).toBeNull();
    expect(clientIpFrom(headers({}), socket(0))).toBeNull();
  });

  it("behind one proxy takes the address that proxy saw (the last X-Forwarded-For entry)", () => {
    // client-forged, real client as seen by the proxy; the peer is the proxy itself
    const h = headers({ [PEER_HEADER]: "10.0.0.2", "x-forwarded-for": "6.6.6.6, 198.51.100.9" });
    expect(clientIpFrom(h, socket(1))).toBe("198.51.100.9");
  });

  it("behind two proxies skips one more hop", () => {
    const h = headers({ [PEER_HEADER]: "10.0.0.3", "x-forwarded-for": "6.6.6.6, 198.51.100.9, 10.0.0.2" });
    expect(clientIpFrom(h, socket(2))).toBe("198.51.100.9");
  });

  it("when the chain is shorter than the proxy count, the request bypassed a proxy: no address (its leftmost entry may be forged)", () => {
    const h = headers({ [PEER_HEADER]: "10.0.0.2", "x-forwarded-for": "198.51.100.9" });
    expect(clientIpFrom(h, socket(3))).toBeNull();
  });

  it("with a trusted proxy but no X-Forwarded-For entries knows no client address", () => {
    expect(clientIpFrom(headers({ [PEER_HEADER]: "10.0.0.2", "x-forwarded-for": ",,," }), socket(1))).toBeNull();
    expect(clientIpFrom(headers({ [PEER_HEADER]: "10.0.0.2" }), socket(1))).toBeNull();
  });

  it("believes x-lokdown-peer only in a process the bundled server started", () => {
    const h = headers({ [PEER_HEADER]: "203.0.113.7" });
    expect(clientIpFrom(h, { header: null, trustedProxies: 0, peerHeaderTrusted: false })).toBeNull();
    expect(clientIpFrom(h, { header: "x-real-ip", trustedProxies: 0, peerHeaderTrusted: true })).toBeNull();
  });

  it("returns null, never throws, for invalid addresses", () => {
    const cases: [Record<string, string>, number][] = [
      [{ [PEER_HEADER]: "not-an-ip" }, 0],
      [{ [PEER_HEADER]: "999.1.1.1" }, 0],
      [{ [PEER_HEADER]: "' OR 1=1 --" }, 0],
      [{ [PEER_HEADER]: "10.0.0.2", "x-forwarded-for": "garbage, <script>" }, 1],
      [{ [PEER_HEADER]: "10.0.0.2", "x-forwarded-for": "1.2.3.4, not-an-ip" }, 1],
      [{ [PEER_HEADER]: "1.2.3.4:8080" }, 0],
    ];
    for (const [values, trusted] of cases) {
      expect(() => clientIpFrom(headers(values), socket(trusted))).not.toThrow();
      expect(clientIpFrom(headers(values), socket(trusted))).toBeNull();
    }
  });

  it("normalises IPv4-mapped IPv6, brackets and case", () => {
    expect(clientIpFrom(headers({ [PEER_HEADER]: "::ffff:192.0.2.1" }), socket(0))).toBe("192.0.2.1");
    expect(clientIpFrom(headers({ [PEER_HEADER]: "::FFFF:192.0.2.1" }), socket(0))).toBe("192.0.2.1");
    expect(clientIpFrom(headers({ [PEER_HEADER]: "[2001:DB8::1]" }), socket(0))).toBe("2001:db8::1");
    expect(
      clientIpFrom(headers({ [PEER_HEADER]: "10.0.0.2", "x-forwarded-for": "::ffff:198.51.100.9" }), socket(1)),
    ).toBe("198.51.100.9");
  });
});
