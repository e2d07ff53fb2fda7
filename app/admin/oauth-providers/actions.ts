"use server";

import { redirect } from "next/navigation";
import type { AdminActionState } from "@/components/admin/action-form";
import { actorOf } from "@/lib/auth/guards";
import { requireStaff } from "@/lib/auth/admin/guard";
import { createOAuthProvider, deleteOAuthProvider, setOAuthProviderEnabled, updateOAuthProvider, PROVIDER_ID_PATTERN } from "@/lib/auth/oauth-providers";
import { authorize } from "@/lib/auth/step-up";
import { currentClient } from "@/lib/auth/web-session";
import { formFields } from "@/lib/http/form";
import { adminFailure, proofFrom } from "../_lib/forms";
import { backWith } from "../_lib/navigation";
import { INVALID_ACTION_INPUT, isBadActionInput } from "@/lib/http/action-input";

const PAGE = "/admin/oauth-providers";
const FIELDS = ["id", "type", "display_name", "client_id", "client_secret", "issuer", "enabled", "trust_email", "trusted_email_domains"] as const;

/** Refill values for the form after an error; never the secret. */
const refill = (f: Record<(typeof FIELDS)[number], string>) => ({
  id: f.id,
  type: f.type,
  display_name: f.display_name,
  client_id: f.client_id,
  issuer: f.issuer,
  enabled: f.enabled,
  trust_email: f.trust_email,
  trusted_email_domains: f.trusted_email_domains,
});

/** The per-provider e-mail trust fields: a checkbox and a list of domains (commas, spaces or lines). */
const trustFrom = (f: Record<(typeof FIELDS)[number], string>) => ({
  trustEmail: f.trust_email === "on",
  trustedEmailDomains: f.trusted_email_domains.split(/[\s,]+/).filter(Boolean),
});

export async function createProviderAction(_: AdminActionState, formData: FormData): Promise<AdminActionState> {
  if (isBadActionInput(formData)) return INVALID_ACTION_INPUT;
  const user = await requireStaff(`${PAGE}/new`);
  const f = formFields(formData, FIELDS);
  const client = await currentClient();
  const stepUp = await authorize("staff.manage_providers", actorOf(user), proofFrom(formData), client);
  if (!stepUp.ok) return { ...adminFailure(stepUp), values: refill(f) };
  const created = await createOAuthProvider(
    { id: f.id, type: f.type, displayName: f.display_name, clientId: f.client_id, clientSecret: f.client_secret, issuer: f.issuer || null, enabled: f.enabled === "on", ...trustFrom(f) },
    { userId: user.id, client },
  );
  if (!created.ok) return { ...adminFailure(created), values: refill(f) };
  redirect(`${PAGE}?notice=provider_created`);
}

export async function updateProviderAction(_: AdminActionState, formData: FormData): Promise<AdminActionState> {
  if (isBadActionInput(formData)) return INVALID_ACTION_INPUT;
  const f = formFields(formData, FIELDS);
  const id = PROVIDER_ID_PATTERN.test(f.id) ? f.id : "";
  const user = await requireStaff(`${PAGE}/${encodeURIComponent(id)}`);
  const client = await currentClient();
  const stepUp = await authorize("staff.manage_providers", actorOf(user), proofFrom(formData), client);
  if (!stepUp.ok) return { ...adminFailure(stepUp), values: refill(f) };
  // A blank secret keeps the stored one: the secret is write-only and never sent back to the form.
  const updated = await updateOAuthProvider(
    id,
    { type: f.type, displayName: f.display_name, clientId: f.client_id, clientSecret: f.client_secret || undefined, issuer: f.issuer || null, enabled: f.enabled === "on", ...trustFrom(f) },
    { userId: user.id, client },
  );
  if (!updated.ok) return { ...adminFailure(updated), values: refill(f) };
  redirect(`${PAGE}?notice=provider_updated`);
}

export async function setProviderEnabledAction(formData: FormData): Promise<void> {
  if (isBadActionInput(formData)) return;
  const user = await requireStaff(PAGE);
  const { id, enabled } = formFields(formData, ["id", "enabled"]);
  const client = await currentClient();
  const allowed = await authorize("staff.manage_providers", actorOf(user), {}, client);
  const result = allowed.ok ? await setOAuthProviderEnabled(id, enabled === "true", { userId: user.id, client }) : allowed;
  backWith(formData, PAGE, result.ok ? { notice: enabled === "true" ? "provider_enabled" : "provider_disabled" } : { notice: "error", code: result.code });
}

export async function deleteProviderAction(_: AdminActionState, formData: FormData): Promise<AdminActionState> {
  if (isBadActionInput(formData)) return INVALID_ACTION_INPUT;
  const user = await requireStaff(PAGE);
  const { id } = formFields(formData, ["id"]);
  const client = await currentClient();
  const stepUp = await authorize("staff.manage_providers", actorOf(user), proofFrom(formData), client);
  if (!stepUp.ok) return adminFailure(stepUp);
  const result = await deleteOAuthProvider(id, { userId: user.id, client });
  if (!result.ok) return adminFailure(result);
  redirect(`${PAGE}?notice=provider_deleted`);
}
