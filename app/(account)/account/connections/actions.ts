"use server";

import { revalidatePath } from "next/cache";
import { actorOf, requireWebUser } from "@/lib/auth/guards";
import { unlinkOAuthAccount } from "@/lib/auth/oauth";
import { beginProviderLink, setLinkIntentCookie } from "@/lib/auth/oauth-link";
import { CONNECTIONS_PATH, redirectToProvider } from "@/lib/auth/oauth-nextauth";
import { findEnabledProvider } from "@/lib/auth/oauth-providers";
import { currentClient } from "@/lib/auth/web-session";
import { codeFailure, failureState, formFields, type FormState } from "@/lib/http/form";
import { INVALID_ACTION_INPUT, isBadActionInput } from "@/lib/http/action-input";

export type ConnectionState = FormState & { done?: boolean };

function proofFrom(formData: FormData) {
  const f = formFields(formData, ["password", "totp_token"]);
  return { password: f.password || undefined, totpToken: f.totp_token.trim() || undefined };
}

export async function unlinkProviderAction(_: ConnectionState, formData: FormData): Promise<ConnectionState> {
  if (isBadActionInput(formData)) return INVALID_ACTION_INPUT;
  const user = await requireWebUser(CONNECTIONS_PATH);
  const accountId = Number(formFields(formData, ["account_id"]).account_id);
  if (!Number.isSafeInteger(accountId) || accountId <= 0) return codeFailure("oauth_account_not_found");
  const result = await unlinkOAuthAccount(actorOf(user), accountId, proofFrom(formData), await currentClient());
  if (!result.ok) return failureState(result);
  revalidatePath(CONNECTIONS_PATH);
  return { done: true };
}

/** Step-up here, then the provider: the link is made when it returns to this browser and session. */
export async function linkProviderAction(_: ConnectionState, formData: FormData): Promise<ConnectionState> {
  if (isBadActionInput(formData)) return INVALID_ACTION_INPUT;
  const user = await requireWebUser(CONNECTIONS_PATH);
  const { provider } = formFields(formData, ["provider"]);
  if (!(await findEnabledProvider(provider))) return codeFailure("oauth_provider_not_found");
  const intent = await beginProviderLink(actorOf(user), provider, proofFrom(formData), await currentClient());
  if (!intent.ok) return failureState(intent);
  await setLinkIntentCookie(intent.value);
  return redirectToProvider(provider, CONNECTIONS_PATH);
}
