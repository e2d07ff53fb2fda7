import "server-only";
import { isIP } from "node:net";
import { settings } from "@/lib/env";

/** Who is on the other end of a request, as far as the server can trust it. */
export type ClientInfo = { ip: string | null; userAgent: string };

/**
 * The peer address header set by scripts/server.mjs from the TCP socket. The server overwrites
 * any value a client sends, so it cannot be spoofed.
 */
export const PEER_HEADER = "x-lokdown-peer";

function normalizeIp(raw: string | undefined): string | null {
  if (!raw) return null;
  let value = raw.trim();
  if (value.startsWith("[") && value.includes("]")) value = value.slice(1, value.indexOf("]"));
  if (value.toLowerCase().startsWith("::ffff:") && isIP(value.slice(7)) === 4) value = value.slice(7);
  return isIP(value) ? value.toLowerCase() : null;
}

/**
 * The client address: the socket peer, or — behind LOKDOWN_TRUSTED_PROXIES proxies — the address
 * the outermost trusted proxy saw. Entries further left in X-Forwarded-For are client-controlled.
 */
export function clientIpFrom(headers: Headers, trustedProxies = settings.trustedProxies): string | null {
  const peer = headers.get(PEER_HEADER) ?? undefined;
  if (trustedProxies === 0) return normalizeIp(peer);
  const forwarded = (headers.get("x-forwarded-for") ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const chain = [...forwarded, ...(peer ? [peer] : [])];
  return normalizeIp(chain[chain.length - 1 - trustedProxies] ?? chain[0]);
}

export function clientFrom(headers: Headers): ClientInfo {
  return { ip: clientIpFrom(headers), userAgent: (headers.get("user-agent") ?? "").slice(0, 512) };
}
