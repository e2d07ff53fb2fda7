/** Runs once when a server instance starts. */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { settings } = await import("@/lib/env");
  const { logConfigFindings } = await import("@/lib/config-checks");
  logConfigFindings(settings);
  const { ensureASuperuser, ensureFirstAdmin } = await import("@/lib/auth/bootstrap");
  await ensureFirstAdmin();
  await ensureASuperuser();
  const { startCleanupSchedule } = await import("@/lib/auth/cleanup-schedule");
  startCleanupSchedule();
}
