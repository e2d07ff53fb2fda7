import { resolveClientAddress, type ClientAddressConfig } from "@/lib/auth/request/client-address";

/**
 * Health checks come from the load balancer or orchestrator straight to the app, not through the
 * edge that sets the client-address header, and touch no per-client state: they need no address.
 */
const NEEDS_NO_ADDRESS = new Set(["/api/health", "/api/health/ready"]);

/** One explanation per minute in the log, however many requests are refused. */
export const REFUSAL_LOG_INTERVAL_MS = 60_000;

type Logger = { error(message: string): void };

/**
 * In production, why this request must be refused because its client address cannot be
 * determined, or null. Without an address every such client would share one rate-limit bucket, so
 * one attacker could keep sign-in closed for everyone. Development answers with no address.
 */
export class UnknownClientGuard {
  private lastLoggedAt = Number.NEGATIVE_INFINITY;
  private refusedSinceLog = 0;

  constructor(private readonly logger: Logger = console) {}

  check(
    pathname: string,
    headers: Headers,
    production: boolean,
    config: ClientAddressConfig,
    now: number = Date.now(),
  ): string | null {
    if (!production || NEEDS_NO_ADDRESS.has(pathname)) return null;
    const { ip, reason } = resolveClientAddress(headers, config);
    if (ip !== null) return null;
    this.refusedSinceLog += 1;
    if (now - this.lastLoggedAt >= REFUSAL_LOG_INTERVAL_MS) {
      const count = this.refusedSinceLog;
      this.lastLoggedAt = now;
      this.refusedSinceLog = 0;
      this.logger.error(
        `[lokdown] refused ${count} request${count === 1 ? "" : "s"} without a client address since the last report (latest: ${pathname}): ${reason}. ` +
          "See the README's deployment section for the LOKDOWN_CLIENT_IP_HEADER value of your proxy or platform.",
      );
    }
    return reason;
  }
}
