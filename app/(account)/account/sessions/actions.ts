"use server";

import { redirect } from "next/navigation";
import { revokeOtherSessions, revokeUserSession } from "@/lib/auth/sessions/user-sessions";
import { forgetAllTrustedDevices, revokeOwnTrustedDevice } from "@/lib/auth/login/trusted-devices";
import { endWebSession } from "@/lib/auth/sessions/web-session";
import { userAction } from "@/lib/http/action";

const PAGE = "/account/sessions";

/** Signs out one session; signing out this one is signing out. An unknown id changes nothing. */
export const revokeSessionAction = userAction.submit(
  { page: PAGE, form: ["id"] },
  async ({ fields, actor, client }): Promise<void> => {
    const result = await revokeUserSession(actor, fields.id, client);
    if (result.ok && result.value.current) {
      await endWebSession();
      redirect("/login?signed_out=1");
    }
    redirect(`${PAGE}?done=${result.ok ? "session" : "gone"}`);
  },
);

export const revokeOtherSessionsAction = userAction.call({ page: PAGE }, async ({ actor, client }): Promise<void> => {
  const result = await revokeOtherSessions(actor, client);
  redirect(`${PAGE}?done=${result.ok ? "others" : "refused"}`);
});

export const revokeTrustedDeviceAction = userAction.submit(
  { page: PAGE, form: ["id"] },
  async ({ fields, actor, client }): Promise<void> => {
    const result = await revokeOwnTrustedDevice(actor, fields.id, client);
    redirect(`${PAGE}?done=${result.ok ? "browser" : "gone"}`);
  },
);

export const revokeAllTrustedDevicesAction = userAction.call(
  { page: PAGE },
  async ({ actor, client }): Promise<void> => {
    const result = await forgetAllTrustedDevices(actor, client);
    redirect(`${PAGE}?done=${result.ok ? "browsers" : "refused"}`);
  },
);
