import { describe, expect, it } from "vitest";
import { describeDevice, describeSignInMethod, deviceKey } from "@/lib/auth/sessions/user-sessions";

const CHROME_MAC =
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36";
const IPHONE =
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1";

describe("devices from user agents (ua-parser-js)", () => {
  it("names browsers, systems and form factors; programs by their product token", () => {
    expect(describeDevice(CHROME_MAC)).toEqual({
      browser: "Chrome 120",
      os: "macOS 10.15.7",
      type: "desktop",
      label: "Chrome 120 on macOS 10.15.7",
    });
    expect(describeDevice(IPHONE)).toMatchObject({ label: "Mobile Safari 17 on iOS 17.0", type: "mobile" });
    expect(describeDevice("curl/8.5.0").label).toBe("curl");
    expect(describeDevice("python-requests/2.31").label).toBe("python-requests");
    expect(describeDevice("").label).toBe("Unknown device");
    expect(describeDevice("<script>/1").label).toBe("script");
  });

  it("treat a browser update as the same device, another browser or OS as a new one", () => {
    expect(deviceKey(CHROME_MAC)).toBe(deviceKey(CHROME_MAC.replace("Chrome/120", "Chrome/131")));
    expect(deviceKey(CHROME_MAC)).not.toBe(deviceKey(IPHONE));
    expect(deviceKey(CHROME_MAC)).not.toBe(
      deviceKey(CHROME_MAC.replace("Macintosh; Intel Mac OS X 10_15_7", "Windows NT 10.0; Win64; x64")),
    );
    expect(deviceKey("curl/8.5.0")).toBe(deviceKey("curl/7.0"));
    expect(deviceKey("curl/8.5.0")).not.toBe(deviceKey("wget/1.0"));
  });
});

describe("how a session signed in, from its AMR values", () => {
  it.each([
    [["pwd"], "password", null, false, "Password"],
    [["pwd", "otp", "mfa"], "password", "totp", true, "Password + authenticator app"],
    [["pwd", "rec", "mfa"], "password", "backup_code", true, "Password + backup code"],
    [["pwd", "hwk", "user", "mfa"], "password", "passkey", true, "Password + passkey"],
    [["hwk", "user", "mfa"], "passkey", null, true, "Passkey with PIN or biometrics"],
    [["fed", "otp", "mfa"], "oauth", "totp", true, "Social sign-in + authenticator app"],
    [["pwd", "tdv"], "password", "trusted_browser", false, "Password + trusted browser"],
    [[], "unknown", null, false, "Unknown method"],
  ] as const)("%j", (amr, first, second, passed, label) => {
    expect(describeSignInMethod(amr)).toEqual({
      firstFactor: first,
      secondFactor: second,
      passedSecondFactor: passed,
      label,
    });
  });
});
