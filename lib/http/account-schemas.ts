import { z } from "zod";
import type { SessionView } from "@/lib/auth/sessions/user-sessions";
import { requiredText, secretText } from "./fields";
import { StepUpFields } from "./schemas";

/** Request bodies and response shapes of the account-center endpoints (sessions, password). */

/** `{password | totp_token | backup_code}` for POST /api/auth/reauthenticate. */
export const ReauthenticateBody = z.object(StepUpFields);

/** A JSON boolean; absent means false. */
const flag = z
  .boolean({ error: "Must be a valid boolean." })
  .nullish()
  .transform((v) => v ?? false);

/** `new_password`, the choice to keep other sessions, and a step-up proof (`password` is the current one). */
export const ChangePasswordBody = z.object({
  new_password: secretText(1024).meta({ description: "At least 8 characters, not common, not like the username." }),
  keep_other_sessions: flag.meta({ description: "Keep the account's other sessions signed in (default false)." }),
  ...StepUpFields,
  password: StepUpFields.password.meta({ description: "Step-up proof: the current password." }),
});

export const ForgotPasswordBody = z.object({ email: requiredText(254) });

export const ResetPasswordBody = z.object({
  token: requiredText(128).meta({ description: "The token from the e-mailed link." }),
  new_password: secretText(1024),
});

const iso = (d: Date) => d.toISOString();

/** One session in GET /api/auth/sessions. No location: no geolocation database ships with the app. */
export const sessionJson = (s: SessionView) => ({
  id: s.id,
  kind: s.kind,
  current: s.current,
  device: s.device.label,
  browser: s.device.browser,
  os: s.device.os,
  device_type: s.device.type,
  ip_address: s.ipAddress,
  created_at: iso(s.createdAt),
  last_seen_at: iso(s.lastSeenAt),
  expires_at: iso(s.expiresAt),
  sign_in_method: s.signIn.firstFactor,
  second_factor: s.signIn.secondFactor,
  passed_2fa: s.signIn.passedSecondFactor,
  amr: s.amr,
});
