"use server";

import { redirect } from "next/navigation";
import { safeReturnPath } from "@/lib/auth/sessions/guards";
import { redirectToProvider } from "@/lib/auth/oauth/nextauth";
import { findEnabledProvider } from "@/lib/auth/oauth/providers";
import { publicAction } from "@/lib/http/action";

/** A provider button on the sign-in page: off to the provider, back through /oauth/complete. */
export const startProviderSignInAction = publicAction.submit(
  { form: ["provider", "next"] },
  async ({ fields: { provider, next } }): Promise<void> => {
    const returnTo = safeReturnPath(next, "/account");
    if (!(await findEnabledProvider(provider))) redirect("/oauth/error?error=oauth_provider_not_found");
    await redirectToProvider(provider, `/oauth/complete?next=${encodeURIComponent(returnTo)}`);
  },
);
