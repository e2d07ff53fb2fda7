/** Runs once when a server instance starts. */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { ensureFirstAdmin } = await import("@/lib/auth/bootstrap");
  await ensureFirstAdmin();
}
