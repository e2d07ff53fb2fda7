import { isIP } from "node:net";

/**
 * The part of a client address that rate limits count by. One host is one key however it writes
 * its address: IPv4-mapped IPv6 (`::ffff:203.0.113.7`, `::ffff:cb00:7107`) is the IPv4 address,
 * and IPv6 is cut to its /64, because a single subscriber is routinely handed a whole /64 and
 * could otherwise rotate through 2^64 addresses, each with fresh counters (RFC 6177, RFC 7934).
 * Pure: the client address itself is decided in lib/auth/request/client.ts.
 */
export function rateLimitAddressKey(ip: string | null | undefined): string {
  if (!ip) return "unknown";
  let value = ip.trim().toLowerCase();
  if (value.startsWith("[") && value.endsWith("]")) value = value.slice(1, -1);
  const zone = value.indexOf("%");
  if (zone !== -1) value = value.slice(0, zone);
  const family = isIP(value);
  if (family === 4) return value;
  if (family !== 6) return "unknown";
  const groups = ipv6Groups(value);
  if (!groups) return "unknown";
  // ::ffff:a.b.c.d — an IPv4 host reached over a dual-stack socket.
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    const [hi = 0, lo = 0] = groups.slice(6);
    return `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;
  }
  return `${groups
    .slice(0, 4)
    .map((g) => g.toString(16))
    .join(":")}::/64`;
}

/** The eight 16-bit groups of an address `isIP` already accepted as IPv6 (dotted IPv4 tail included). */
function ipv6Groups(address: string): number[] | null {
  let text = address;
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a = 0, b = 0, c = 0, d = 0] = dotted.slice(1).map(Number);
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const parse = (part: string) =>
    part === "" ? [] : part.split(":").map((g) => (/^[0-9a-f]{1,4}$/.test(g) ? parseInt(g, 16) : Number.NaN));
  const left = parse(halves[0] ?? "");
  const right = halves.length === 2 ? parse(halves[1] ?? "") : [];
  const fill = 8 - left.length - right.length;
  if (fill < 0 || (halves.length === 1 && fill !== 0)) return null;
  const groups = [...left, ...Array<number>(fill).fill(0), ...right];
  return groups.every(Number.isInteger) ? groups : null;
}
