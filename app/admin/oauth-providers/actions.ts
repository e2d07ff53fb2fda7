"use server";

import { redirect } from "next/navigation";
import type { AdminActionState } from "@/components/admin/action-form";
import {
  createOAuthProvider,
  deleteOAuthProvider,
  setOAuthProviderEnabled,
  updateOAuthProvider,
  PROVIDER_ID_PATTERN,
} from "@/lib/auth/oauth/providers";
import { authorize } from "@/lib/auth/policy/step-up";
import { staffAction } from "@/lib/http/action";
import { adminFailure, proofFrom } from "../_lib/forms";
import { backWith } from "../_lib/navigation";

const PAGE = "/admin/oauth-providers";
const FIELDS = [
  "id",
  "type",
  "display_name",
  "client_id",
  "client_secret",
  "issuer",
  "enabled",
  "trust_email",
  "trusted_email_domains",
] as const;

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

/** Only a well-formed id reaches a path. */
const providerId = (raw: string) => (PROVIDER_ID_PATTERN.test(raw) ? raw : "");

export const createProviderAction = staffAction.form(
  { page: `${PAGE}/new`, form: FIELDS },
  async ({ fields: f, formData, user, actor, client }): Promise<AdminActionState> => {
    const stepUp = await authorize("staff.manage_providers", actor, proofFrom(formData), client);
    if (!stepUp.ok) return { ...adminFailure(stepUp), values: refill(f) };
    const created = await createOAuthProvider(
      {
        id: f.id,
        type: f.type,
        displayName: f.display_name,
        clientId: f.client_id,
        clientSecret: f.client_secret,
        issuer: f.issuer || null,
        enabled: f.enabled === "on",
        ...trustFrom(f),
      },
      { userId: user.id, client },
    );
    if (!created.ok) return { ...adminFailure(created), values: refill(f) };
    redirect(`${PAGE}?notice=provider_created`);
  },
);

export const updateProviderAction = staffAction.form(
  { page: (f) => `${PAGE}/${encodeURIComponent(providerId(f.id))}`, form: FIELDS },
  async ({ fields: f, formData, user, actor, client }): Promise<AdminActionState> => {
    const stepUp = await authorize("staff.manage_providers", actor, proofFrom(formData), client);
    if (!stepUp.ok) return { ...adminFailure(stepUp), values: refill(f) };
    // A blank secret keeps the stored one: the secret is write-only and never sent back to the form.
    const updated = await updateOAuthProvider(
      providerId(f.id),
      {
        type: f.type,
        displayName: f.display_name,
        clientId: f.client_id,
        clientSecret: f.client_secret || undefined,
        issuer: f.issuer || null,
        enabled: f.enabled === "on",
        ...trustFrom(f),
      },
      { userId: user.id, client },
    );
    if (!updated.ok) return { ...adminFailure(updated), values: refill(f) };
    redirect(`${PAGE}?notice=provider_updated`);
  },
);

export const setProviderEnabledAction = staffAction.submit(
  { page: PAGE, form: ["id", "enabled"] },
  async ({ fields: { id, enabled }, formData, user, actor, client }): Promise<void> => {
    const allowed = await authorize("staff.manage_providers", actor, {}, client);
    const result = allowed.ok
      ? await setOAuthProviderEnabled(id, enabled === "true", { userId: user.id, client })
      : allowed;
    backWith(
      formData,
      PAGE,
      result.ok
        ? { notice: enabled === "true" ? "provider_enabled" : "provider_disabled" }
        : { notice: "error", code: result.code },
    );
  },
);

export const deleteProviderAction = staffAction.form(
  { page: PAGE, form: ["id"] },
  async ({ fields: { id }, formData, user, actor, client }): Promise<AdminActionState> => {
    const stepUp = await authorize("staff.manage_providers", actor, proofFrom(formData), client);
    if (!stepUp.ok) return adminFailure(stepUp);
    const result = await deleteOAuthProvider(id, { userId: user.id, client });
    if (!result.ok) return adminFailure(result);
    redirect(`${PAGE}?notice=provider_deleted`);
  },
);
