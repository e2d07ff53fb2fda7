import "server-only";
import { ERRORS, type ErrorCode } from "../errors";

export type ProviderErrorView = { code: string; title: string; message: string; hint?: string };

/** next-auth's error types (the ones it lets reach the browser, plus "Configuration"). */
const NEXT_AUTH_ERRORS: Record<string, Omit<ProviderErrorView, "code">> = {
  OAuthCallbackError: {
    title: "The provider did not sign you in",
    message: "Access was denied at the provider, or the sign-in was cancelled.",
    hint: "Try again, and allow this site to see your name and email address.",
  },
  AccessDenied: { title: "Access denied", message: "This sign-in was refused." },
  OAuthSignInError: {
    title: "The provider is not available",
    message: "Sign-in with this provider could not start: it is misconfigured or cannot be reached.",
    hint: "Sign in another way, or tell the site's administrator.",
  },
  Configuration: {
    title: "Sign-in could not be completed",
    message: "The sign-in expired, was opened in another browser, or the provider is misconfigured.",
    hint: "Start again from the sign-in page. If it keeps happening, tell the site's administrator.",
  },
  MissingCSRF: {
    title: "The sign-in form expired",
    message: "The sign-in form expired before it was sent.",
    hint: "Start again from the sign-in page.",
  },
  Verification: {
    title: "Sign-in could not be completed",
    message: "The sign-in link is no longer valid.",
    hint: "Start again from the sign-in page.",
  },
};

const HINTS: Partial<Record<ErrorCode, { title: string; hint?: string }>> = {
  oauth_account_not_linked: {
    title: "Account not linked",
    hint: "For your safety a provider is linked automatically only to an account whose e-mail address is confirmed, without two-factor authentication and not staff, and only when this site trusts the provider for that address. Sign in with your password, then link the provider under Account → Connections.",
  },
  oauth_browser_mismatch: {
    title: "Sign-in started elsewhere",
    hint: "For your safety a provider sign-in finishes only in the browser that started it. Start again from the sign-in page.",
  },
  email_not_verified: {
    title: "Confirm your e-mail address",
    hint: "Open the link we sent when the account was created, or ask for a new one at /verify-email/resend.",
  },
  oauth_signup_closed: {
    title: "Registration is closed",
    hint: "Ask the site's administrator for an account, then link the provider under Account → Connections.",
  },
  oauth_email_not_verified: {
    title: "Email address not verified",
    hint: "Verify the address with the provider, or sign in another way.",
  },
  oauth_email_missing: {
    title: "No email address",
    hint: "Allow the provider to share your email address, then try again.",
  },
  oauth_account_inactive: { title: "Account disabled" },
  oauth_already_linked: { title: "Already linked", hint: "This provider account belongs to another user here." },
  oauth_sign_in_invalid: { title: "Sign-in expired", hint: "Start again from the sign-in page." },
  oauth_provider_not_found: { title: "Provider not available" },
  social_auth_disabled: { title: "Social sign-in is off" },
  reauth_required: {
    title: "Confirm it is you",
    hint: "Confirm your password or a code, then link the provider again.",
  },
};

const isErrorCode = (value: string): value is ErrorCode => Object.hasOwn(ERRORS, value);

export function describeProviderError(code: string): ProviderErrorView {
  const fromNextAuth = NEXT_AUTH_ERRORS[code];
  if (fromNextAuth) return { code, ...fromNextAuth };
  if (isErrorCode(code)) {
    const extra = HINTS[code];
    return { code, title: extra?.title ?? "Sign-in did not work", message: ERRORS[code].message, hint: extra?.hint };
  }
  return {
    code: "unknown",
    title: "Sign-in did not work",
    message: "Something went wrong while signing in with the provider.",
    hint: "Start again from the sign-in page.",
  };
}
