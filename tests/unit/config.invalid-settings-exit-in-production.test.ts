import { describe, expect, it } from "vitest";
import { exitOnInvalidConfiguration, type ExitIo } from "@/lib/config-exit";
import { ConfigurationError, parseSettings } from "@/lib/env";

function io(production: boolean): ExitIo & { written: string; exitCode: number | null } {
  const state = {
    production,
    written: "",
    exitCode: null as number | null,
    stderr: { write: (text: string) => (state.written += text) },
    exit: (code: number) => {
      state.exitCode = code;
    },
  };
  return state;
}

function configurationError(env: Record<string, string>): ConfigurationError {
  try {
    parseSettings(env);
  } catch (error) {
    if (error instanceof ConfigurationError) return error;
    throw error;
  }
  throw new Error("parseSettings accepted an invalid configuration");
}

describe("invalid settings", () => {
  const error = configurationError({
    NODE_ENV: "production",
    DATABASE_URL: "postgresql://x/y",
    AUTH_SECRET: "short",
    SMTP_URL: "http://mail",
  });

  it("are one ConfigurationError naming every variable at fault", () => {
    expect(error.variables).toEqual(["LOKDOWN_ENCRYPTION_KEY", "AUTH_SECRET", "SMTP_URL"]);
    expect(error.message).toMatch(/^Invalid configuration:\n/);
    for (const name of error.variables) expect(error.message).toContain(`  ${name} `);
  });

  it("stop a production server with status 1 and the message on stderr", () => {
    const out = io(true);
    exitOnInvalidConfiguration(error, out);
    expect(out.exitCode).toBe(1);
    expect(out.written).toContain("LOKDOWN_ENCRYPTION_KEY is required in production");
    expect(out.written).toContain("SMTP_URL must be an smtp:// or smtps:// URL");
  });

  it("leave development to the overlay (no exit)", () => {
    const out = io(false);
    exitOnInvalidConfiguration(error, out);
    expect(out.exitCode).toBeNull();
    expect(out.written).toBe("");
  });
});
