"use server";

import { revalidatePath } from "next/cache";
import { unlinkOAuthAccount } from "@/lib/auth/oauth/provider-sign-in";
import { beginProviderLink, setLinkIntentCookie } from "@/lib/auth/oauth/account-linking";
import { CONNECTIONS_PATH, redirectToProvider } from "@/lib/auth/oauth/nextauth";
import { findEnabledProvider } from "@/lib/auth/oauth/providers";
import { userAction } from "@/lib/http/action";
import { codeFailure, failureState, type FormState } from "@/lib/http/form";

export type ConnectionState = FormState & { done?: boolean };

const PROOF = ["password", "totp_token"] as const;

function proofFrom(f: Record<(typeof PROOF)[number], string>) {
  return { password: f.password || undefined, totpToken: f.totp_token.trim() || undefined };
}

export const unlinkProviderAction = userAction.form(
  { page: CONNECTIONS_PATH, form: ["account_id", ...PROOF] },
  async ({ fields, actor, client }): Promise<ConnectionState> => {
    const accountId = Number(fields.account_id);
    if (!Number.isSafeInteger(accountId) || accountId <= 0) return codeFailure("oauth_account_not_found");
    const result = await unlinkOAuthAccount(actor, accountId, proofFrom(fields), client);
    if (!result.ok) return failureState(result);
    revalidatePath(CONNECTIONS_PATH);
    return { done: true };
  },
);

/** Step-up here, then the provider: the link is made when it returns to this browser and session. */
export const linkProviderAction = userAction.form(
  { page: CONNECTIONS_PATH, form: ["provider", ...PROOF] },
  async ({ fields, actor, client }): Promise<ConnectionState> => {
    if (!(await findEnabledProvider(fields.provider))) return codeFailure("oauth_provider_not_found");
    const intent = await beginProviderLink(actor, fields.provider, proofFrom(fields), client);
    if (!intent.ok) return failureState(intent);
    await setLinkIntentCookie(intent.value);
    return redirectToProvider(fields.provider, CONNECTIONS_PATH);
  },
);
