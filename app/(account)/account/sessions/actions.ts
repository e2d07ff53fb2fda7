"use server";

import { redirect } from "next/navigation";
import { actorOf, requireWebUser } from "@/lib/auth/guards";
import { revokeOtherSessions, revokeUserSession } from "@/lib/auth/sessions";
import { forgetAllTrustedDevices, revokeOwnTrustedDevice } from "@/lib/auth/trusted-devices";
import { currentClient, endWebSession } from "@/lib/auth/web-session";
import { formFields } from "@/lib/http/form";
import { INVALID_ACTION_INPUT, isBadActionInput } from "@/lib/http/action-input";

const PAGE = "/account/sessions";

/** Signs out one session; signing out this one is signing out. An unknown id changes nothing. */
export async function revokeSessionAction(formData: FormData): Promise<void> {
  if (isBadActionInput(formData)) return;
  const user = await requireWebUser(PAGE);
  const result = await revokeUserSession(actorOf(user), formFields(formData, ["id"]).id, await currentClient());
  if (result.ok && result.value.current) {
    await endWebSession();
    redirect("/login?signed_out=1");
  }
  redirect(`${PAGE}?done=${result.ok ? "session" : "gone"}`);
}

export async function revokeOtherSessionsAction(): Promise<void> {
  const user = await requireWebUser(PAGE);
  const result = await revokeOtherSessions(actorOf(user), await currentClient());
  redirect(`${PAGE}?done=${result.ok ? "others" : "refused"}`);
}

export async function revokeTrustedDeviceAction(formData: FormData): Promise<void> {
  if (isBadActionInput(formData)) return;
  const user = await requireWebUser(PAGE);
  const result = await revokeOwnTrustedDevice(actorOf(user), formFields(formData, ["id"]).id, await currentClient());
  redirect(`${PAGE}?done=${result.ok ? "browser" : "gone"}`);
}

export async function revokeAllTrustedDevicesAction(): Promise<void> {
  const user = await requireWebUser(PAGE);
  const result = await forgetAllTrustedDevices(actorOf(user), await currentClient());
  redirect(`${PAGE}?done=${result.ok ? "browsers" : "refused"}`);
}
