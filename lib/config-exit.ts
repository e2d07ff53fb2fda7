/**
 * What a production server does when its settings do not parse: print the reason (lib/env names
 * every variable at fault) on stderr and exit with status 1, so a process manager or orchestrator
 * sees a failed start instead of a server that answers 500 to everything.
 */
export type ExitIo = {
  production: boolean;
  stderr: { write(text: string): unknown };
  exit(code: number): void;
};

const realIo = (): ExitIo => ({
  // Read before lib/env (which failed to load); Next inlines NODE_ENV at build time.
  production: process.env.NODE_ENV === "production",
  stderr: process.stderr,
  exit: (code) => process.exit(code),
});

/** In production: report and exit(1). Elsewhere: nothing (the caller rethrows). */
export function exitOnInvalidConfiguration(error: unknown, io: ExitIo = realIo()): void {
  if (!io.production) return;
  const reason = error instanceof Error ? error.message : String(error);
  io.stderr.write(`[lokdown] refusing to start. ${reason}\n`);
  io.exit(1);
}
