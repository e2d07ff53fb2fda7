import { describe, expect, it } from "vitest";
import { parseSettings } from "@/lib/env";

const base = { DATABASE_URL: "postgresql://u@localhost/db" };

describe("mail and account-center settings", () => {
  it("default to no SMTP, 30-day trusted browsers, 60-minute reset links and 24-hour e-mail links", () => {
    const s = parseSettings(base);
    expect(s.mail).toEqual({ smtp: null, from: "next-lokdown <no-reply@localhost>" });
    expect(s.trustedDeviceDays).toBe(30);
    expect(s.passwordResetMinutes).toBe(60);
    expect(s.emailChangeHours).toBe(24);
    expect(parseSettings({ ...base, LOKDOWN_TRUSTED_DEVICE_DAYS: "0" }).trustedDeviceDays).toBe(0);
  });

  it("read SMTP_URL, or host, port, credentials and TLS (implicit on 465)", () => {
    expect(parseSettings({ ...base, SMTP_URL: "smtps://u:p@mail.example.com:465" }).mail.smtp).toEqual({
      url: "smtps://u:p@mail.example.com:465",
    });
    expect(parseSettings({ ...base, SMTP_HOST: "mail.example.com" }).mail.smtp).toEqual({
      host: "mail.example.com",
      port: 587,
      secure: false,
      auth: null,
    });
    expect(
      parseSettings({ ...base, SMTP_HOST: "mail.example.com", SMTP_PORT: "465", SMTP_USER: "u", SMTP_PASSWORD: "p" })
        .mail.smtp,
    ).toEqual({
      host: "mail.example.com",
      port: 465,
      secure: true,
      auth: { user: "u", pass: "p" },
    });
    expect(
      parseSettings({ ...base, SMTP_HOST: "mail.example.com", SMTP_PORT: "465", SMTP_SECURE: "false" }).mail.smtp,
    ).toMatchObject({ secure: false });
    expect(parseSettings({ ...base, MAIL_FROM: "Acme Security <security@acme.example>" }).mail.from).toBe(
      "Acme Security <security@acme.example>",
    );
  });

  it.each([
    [{ SMTP_URL: "http://mail.example.com" }, "SMTP_URL"],
    [{ SMTP_HOST: "mail.example.com/evil" }, "SMTP_HOST"],
    [{ SMTP_HOST: "mail.example.com", SMTP_USER: "u" }, "SMTP_PASSWORD"],
    [{ SMTP_PORT: "70000" }, "SMTP_PORT"],
    [{ MAIL_FROM: "not an address" }, "MAIL_FROM"],
    [{ MAIL_FROM: "a@b.c\r\nBcc: x@y.z" }, "MAIL_FROM"],
    [{ LOKDOWN_TRUSTED_DEVICE_DAYS: "-1" }, "LOKDOWN_TRUSTED_DEVICE_DAYS"],
    [{ LOKDOWN_PASSWORD_RESET_MINUTES: "1" }, "LOKDOWN_PASSWORD_RESET_MINUTES"],
  ])("refuse %j naming %s", (patch, name) => {
    expect(() => parseSettings({ ...base, ...patch })).toThrow(name);
  });
});
