import "server-only";
import { clientIpFrom } from "./client-address";

export {
  clientAddressConfigProblem,
  clientIpFrom,
  configuredSource,
  normalizeIp,
  PEER_HEADER,
  resolveClientAddress,
} from "./client-address";
export type { AddressResolution, ClientAddressConfig } from "./client-address";

/** Who is on the other end of a request, as far as the server can trust it. */
export type ClientInfo = { ip: string | null; userAgent: string };

export function clientFrom(headers: Headers): ClientInfo {
  return { ip: clientIpFrom(headers), userAgent: (headers.get("user-agent") ?? "").slice(0, 512) };
}
