"use server";

import { redirect } from "next/navigation";
import { safeReturnPath } from "@/lib/auth/guards";
import { redirectToProvider } from "@/lib/auth/oauth-nextauth";
import { findEnabledProvider } from "@/lib/auth/oauth-providers";
import { formFields } from "@/lib/http/form";
import { INVALID_ACTION_INPUT, isBadActionInput } from "@/lib/http/action-input";

/** A provider button on the sign-in page: off to the provider, back through /oauth/complete. */
export async function startProviderSignInAction(formData: FormData): Promise<void> {
  if (isBadActionInput(formData)) return;
  const { provider, next } = formFields(formData, ["provider", "next"]);
  const returnTo = safeReturnPath(next, "/account");
  if (!(await findEnabledProvider(provider))) redirect("/oauth/error?error=oauth_provider_not_found");
  await redirectToProvider(provider, `/oauth/complete?next=${encodeURIComponent(returnTo)}`);
}
