/** Runs once when a server instance starts (`npm start`, `next start`, the standalone server). */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  let settings: import("@/lib/env").Settings;
  try {
    ({ settings } = await import("@/lib/env"));
  } catch (error) {
    // Settings are validated when lib/env loads. A production server that kept going would answer
    // 500 on every page; stop it instead, with the variables at fault on stderr. In development
    // the error stays on the overlay and the console, where it is being worked on.
    const { exitOnInvalidConfiguration } = await import("@/lib/config-exit");
    exitOnInvalidConfiguration(error);
    throw error;
  }
  const { logConfigFindings } = await import("@/lib/config-checks");
  logConfigFindings(settings);
  const { clientAddressConfigProblem, configuredSource } = await import("@/lib/auth/request/client-address");
  const addressProblem = clientAddressConfigProblem(configuredSource(settings));
  if (settings.production && addressProblem) {
    // Serving anyway would refuse every request, or put every client in one rate-limit bucket.
    console.error(`[lokdown] refusing to start: ${addressProblem}.`);
    process.exit(1);
  }
  const { ensureASuperuser, ensureFirstAdmin } = await import("@/lib/auth/maintenance/first-admin");
  await ensureFirstAdmin();
  await ensureASuperuser();
  const { startCleanupSchedule } = await import("@/lib/auth/maintenance/cleanup-schedule");
  startCleanupSchedule();
}
