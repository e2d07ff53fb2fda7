import { describe, expect, it } from "vitest";
import { parseSettings } from "@/lib/env";

const DB = "postgresql://postgres@127.0.0.1:5432/example";

describe("session lifetime settings", () => {
  it("default to 30 days for API and browser sessions", () => {
    const s = parseSettings({ DATABASE_URL: DB });
    expect(s.tokens.sessionMaxDays).toBe(30);
    expect(s.webSessionDays).toBe(30);
  });

  it("browser sessions follow LOKDOWN_SESSION_MAX_DAYS unless LOKDOWN_WEB_SESSION_DAYS is set", () => {
    expect(parseSettings({ DATABASE_URL: DB, LOKDOWN_SESSION_MAX_DAYS: "7" }).webSessionDays).toBe(7);
    const both = parseSettings({ DATABASE_URL: DB, LOKDOWN_SESSION_MAX_DAYS: "7", LOKDOWN_WEB_SESSION_DAYS: "1" });
    expect(both.webSessionDays).toBe(1);
    expect(both.tokens.sessionMaxDays).toBe(7);
  });

  it("refuse values out of range", () => {
    for (const bad of ["0", "366", "x", "1.5"]) {
      expect(() => parseSettings({ DATABASE_URL: DB, LOKDOWN_SESSION_MAX_DAYS: bad })).toThrow(
        /LOKDOWN_SESSION_MAX_DAYS/,
      );
      expect(() => parseSettings({ DATABASE_URL: DB, LOKDOWN_WEB_SESSION_DAYS: bad })).toThrow(
        /LOKDOWN_WEB_SESSION_DAYS/,
      );
    }
  });
});
