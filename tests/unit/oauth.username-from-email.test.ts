import { describe, expect, it } from "vitest";
import { usernameFromEmail } from "@/lib/auth/oauth/provider-sign-in";
import { USERNAME_PATTERN } from "@/lib/auth/account/users";

describe("usernames derived from a provider's e-mail", () => {
  it("uses the sanitised, lower-cased local part (never the whole address, W27)", () => {
    expect(usernameFromEmail("Alice.Smith@Example.com")).toBe("alice.smith");
    expect(usernameFromEmail("jöhn+tag@example.com")).toBe("john+tag");
    expect(usernameFromEmail("o'brien@example.com")).toBe("obrien");
    expect(usernameFromEmail("名前@example.com")).toMatch(/^user_[0-9a-f]{4}$/);
  });

  it("pads short names and caps long ones, always within USERNAME_PATTERN", () => {
    expect(usernameFromEmail("ab@example.com")).toBe("ab_user");
    expect(usernameFromEmail(`${"x".repeat(300)}@example.com`)).toHaveLength(150);
    for (const email of ["a@b.co", "@example.com", "...@example.com", "---@x.io", null, "Ωmega@x.io", "a b c@x.io"]) {
      expect(usernameFromEmail(email), String(email)).toMatch(USERNAME_PATTERN);
    }
  });
});
