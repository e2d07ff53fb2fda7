// No "server-only" here: proxy.ts resolves the address too, to refuse requests that have none.
import { isIP } from "node:net";
import { PEER_HEADER, settings, type Settings } from "@/lib/env";

export { PEER_HEADER };

/** Where the address comes from: LOKDOWN_CLIENT_IP_HEADER, LOKDOWN_TRUSTED_PROXIES, and whether a bundled server is in front. */
export type ClientAddressConfig = Settings["clientAddress"] & { trustedProxies: number };

/** The configured source, read when called (tests and scripts may change settings). */
export function configuredSource(s: Settings = settings): ClientAddressConfig {
  return { ...s.clientAddress, trustedProxies: s.trustedProxies };
}

/** The client address, or why there is none (for the log line that explains a refusal). */
export type AddressResolution = { ip: string; reason: null } | { ip: null; reason: string };

const none = (reason: string): AddressResolution => ({ ip: null, reason });

/** One address in canonical form: no brackets, IPv4-mapped IPv6 as IPv4, lower case; null if not an address. */
export function normalizeIp(raw: string | null | undefined): string | null {
  if (!raw) return null;
  let value = raw.trim();
  if (value.startsWith("[") && value.includes("]")) value = value.slice(1, value.indexOf("]"));
  if (value.toLowerCase().startsWith("::ffff:") && isIP(value.slice(7)) === 4) value = value.slice(7);
  return isIP(value) ? value.toLowerCase() : null;
}

function forwardedChain(headers: Headers): string[] {
  // Several X-Forwarded-For lines arrive joined with ", ", the order they were added in.
  return (headers.get("x-forwarded-for") ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * The entry `fromRight` places from the right of a chain whose right end the trusted proxies wrote.
 * Entries further left are whatever the client sent; a chain too short means the request did not
 * pass through every configured proxy, and then no entry can be trusted.
 */
function trustedEntry(chain: string[], fromRight: number, proxies: number): AddressResolution {
  const entry = chain[chain.length - 1 - fromRight];
  if (entry === undefined) {
    return none(
      `X-Forwarded-For has ${chain.length} usable entr${chain.length === 1 ? "y" : "ies"}, fewer than the ${proxies} trusted prox${proxies === 1 ? "y" : "ies"} (LOKDOWN_TRUSTED_PROXIES) append: the request bypassed them`,
    );
  }
  const ip = normalizeIp(entry);
  return ip
    ? { ip, reason: null }
    : none("the X-Forwarded-For entry the outermost trusted proxy wrote is not an IP address");
}

/**
 * The client address under the configured source, never a value the client chose:
 *  - no LOKDOWN_CLIENT_IP_HEADER: the socket peer that the bundled server wrote into x-lokdown-peer
 *    (believed only in a process that server started, so a client sending the header to a plain
 *    `next start` is ignored), or behind LOKDOWN_TRUSTED_PROXIES proxies the X-Forwarded-For entry
 *    the outermost of them appended;
 *  - LOKDOWN_CLIENT_IP_HEADER=x-forwarded-for: the entry the outermost of the LOKDOWN_TRUSTED_PROXIES
 *    proxies appended;
 *  - any other header: its value, which the trusted edge overwrites, as exactly one address.
 */
export function resolveClientAddress(
  headers: Headers,
  config: ClientAddressConfig = configuredSource(),
): AddressResolution {
  const { header, trustedProxies } = config;
  if (header === null) {
    if (!config.peerHeaderTrusted) {
      return none(
        "LOKDOWN_CLIENT_IP_HEADER is unset, so the address is the socket peer that only the bundled server (npm start, scripts/start-standalone.mjs) records, and this process was not started by it",
      );
    }
    const peer = headers.get(PEER_HEADER);
    if (trustedProxies === 0) {
      const ip = normalizeIp(peer);
      return ip ? { ip, reason: null } : none("the bundled server recorded no usable socket address");
    }
    if (!normalizeIp(peer)) return none("the bundled server recorded no usable socket address");
    return trustedEntry([...forwardedChain(headers), peer ?? ""], trustedProxies, trustedProxies);
  }
  if (header === "x-forwarded-for") {
    if (trustedProxies === 0)
      return none(
        "LOKDOWN_CLIENT_IP_HEADER=x-forwarded-for needs LOKDOWN_TRUSTED_PROXIES (how many proxies append to it)",
      );
    return trustedEntry(forwardedChain(headers), trustedProxies - 1, trustedProxies);
  }
  const value = headers.get(header);
  if (value === null || value.trim() === "")
    return none(
      `the request has no ${header} header (LOKDOWN_CLIENT_IP_HEADER): it did not come through the edge that sets it`,
    );
  if (value.includes(","))
    return none(`${header} carries several addresses; the trusted edge must overwrite it with exactly one`);
  const ip = normalizeIp(value);
  return ip ? { ip, reason: null } : none(`${header} is not an IP address`);
}

/** The client address, or null when the configured source yields none (see resolveClientAddress). */
export function clientIpFrom(headers: Headers, config: ClientAddressConfig = configuredSource()): string | null {
  return resolveClientAddress(headers, config).ip;
}

/**
 * Why no request can ever get an address under this configuration, or null. Production refuses
 * to start on it (instrumentation.ts): every client would otherwise be refused or, worse, share one
 * rate-limit bucket.
 */
export function clientAddressConfigProblem(config: ClientAddressConfig = configuredSource()): string | null {
  if (config.header === null && !config.peerHeaderTrusted) {
    return (
      "no client address source: LOKDOWN_CLIENT_IP_HEADER is unset and this server is not the bundled one (npm start or " +
      "scripts/start-standalone.mjs) that records the socket address. Set LOKDOWN_CLIENT_IP_HEADER to the header your " +
      "proxy or platform sets (x-real-ip, cf-connecting-ip, fly-client-ip, x-vercel-forwarded-for, or x-forwarded-for with LOKDOWN_TRUSTED_PROXIES)"
    );
  }
  if (config.header === "x-forwarded-for" && config.trustedProxies === 0) {
    return "LOKDOWN_CLIENT_IP_HEADER=x-forwarded-for needs LOKDOWN_TRUSTED_PROXIES: how many proxies in front of the app append to X-Forwarded-For";
  }
  return null;
}
