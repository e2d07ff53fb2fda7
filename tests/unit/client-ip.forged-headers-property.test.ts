import fc from "fast-check";
import { isIP } from "node:net";
import { describe, expect, it } from "vitest";
import { clientIpFrom, PEER_HEADER } from "@/lib/auth/request/client";

/** The bundled server is in front (its x-lokdown-peer is the socket's); `proxies` append to X-Forwarded-For. */
const socket = (proxies: number) => ({ header: null, trustedProxies: proxies, peerHeaderTrusted: true });

/** Property-based: whatever a client puts in X-Forwarded-For, the answer is safe and bounded. */

/** What a socket reports. */
const canonical = fc.oneof(fc.ipV4(), fc.ipV6());
const address = fc.oneof(canonical, fc.ipV4Extended());
const garbage = fc.oneof(
  fc.string({ unit: "binary-ascii", maxLength: 40 }),
  fc.constantFrom("unknown", "", " ", "[::1]:80", "1.2.3.4:5", "::ffff:", "999.1.1.1", "' OR 1=1 --", "_hidden"),
);
const entry = fc.oneof(address, garbage).map((s) => s.replace(/[\r\n\0,]/g, " "));
const forwardedFor = fc.array(entry, { maxLength: 12 }).map((parts) => parts.join(", "));

describe("clientIpFrom under forged X-Forwarded-For (fast-check)", () => {
  it("never throws, and answers a valid address or null", () => {
    fc.assert(
      fc.property(fc.option(entry), forwardedFor, fc.integer({ min: 0, max: 10 }), (peer, xff, trusted) => {
        const headers = new Headers({ "x-forwarded-for": xff, ...(peer === null ? {} : { [PEER_HEADER]: peer }) });
        const ip = clientIpFrom(headers, socket(trusted));
        expect(ip === null || isIP(ip) !== 0).toBe(true);
      }),
      { numRuns: 2_000 },
    );
  });

  it("with no trusted proxy, X-Forwarded-For changes nothing: the socket address decides", () => {
    fc.assert(
      fc.property(canonical, forwardedFor, forwardedFor, (peer, xff1, xff2) => {
        const a = clientIpFrom(new Headers({ [PEER_HEADER]: peer, "x-forwarded-for": xff1 }), socket(0));
        const b = clientIpFrom(new Headers({ [PEER_HEADER]: peer, "x-forwarded-for": xff2 }), socket(0));
        expect(a).toBe(b);
        expect(a).not.toBeNull();
      }),
      { numRuns: 1_000 },
    );
  });

  it("behind N proxies, whatever the client prepends, the address N hops from the socket is used", () => {
    fc.assert(
      fc.property(
        forwardedFor,
        fc.array(fc.ipV4(), { minLength: 1, maxLength: 5 }),
        fc.ipV4(),
        (forged, hops, peer) => {
          // The client forged `forged`; each trusted proxy appended what it saw; the last one is the socket peer.
          const xff = [forged, ...hops].filter(Boolean).join(", ");
          const ip = clientIpFrom(new Headers({ [PEER_HEADER]: peer, "x-forwarded-for": xff }), socket(hops.length));
          expect(ip).toBe(hops[0]);
        },
      ),
      { numRuns: 1_000 },
    );
  });

  it("with LOKDOWN_CLIENT_IP_HEADER=x-forwarded-for behind N proxies, whatever the client prepends, the outermost proxy's entry is used", () => {
    fc.assert(
      fc.property(
        forwardedFor,
        fc.ipV4(),
        fc.array(fc.ipV4(), { maxLength: 4 }),
        fc.option(entry),
        (forged, client, inner, peer) => {
          const xff = [forged, client, ...inner].filter(Boolean).join(", ");
          const headers = new Headers({ "x-forwarded-for": xff, ...(peer === null ? {} : { [PEER_HEADER]: peer }) });
          const ip = clientIpFrom(headers, {
            header: "x-forwarded-for",
            trustedProxies: inner.length + 1,
            peerHeaderTrusted: false,
          });
          expect(ip).toBe(client);
        },
      ),
      { numRuns: 1_000 },
    );
  });

  it("with a single-address edge header, no other header a client forges changes the answer", () => {
    fc.assert(
      fc.property(canonical, forwardedFor, fc.option(entry), fc.boolean(), (client, xff, peer, bundled) => {
        const headers = new Headers({
          "x-real-ip": client,
          "x-forwarded-for": xff,
          ...(peer === null ? {} : { [PEER_HEADER]: peer }),
        });
        const ip = clientIpFrom(headers, { header: "x-real-ip", trustedProxies: 0, peerHeaderTrusted: bundled });
        expect(ip).toBe(
          clientIpFrom(new Headers({ "x-real-ip": client }), {
            header: "x-real-ip",
            trustedProxies: 0,
            peerHeaderTrusted: false,
          }),
        );
        expect(ip).not.toBeNull();
      }),
      { numRuns: 1_000 },
    );
  });
});
