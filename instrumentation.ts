/** Runs once when a server instance starts. */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { settings } = await import("@/lib/env");
  const { logConfigFindings } = await import("@/lib/config-checks");
  logConfigFindings(settings);
  const { clientAddressConfigProblem, configuredSource } = await import("@/lib/auth/client-address");
  const addressProblem = clientAddressConfigProblem(configuredSource(settings));
  if (settings.production && addressProblem) {
    // Serving anyway would refuse every request, or put every client in one rate-limit bucket.
    console.error(`[lokdown] refusing to start: ${addressProblem}.`);
    process.exit(1);
  }
  const { ensureFirstAdmin } = await import("@/lib/auth/bootstrap");
  await ensureFirstAdmin();
}
