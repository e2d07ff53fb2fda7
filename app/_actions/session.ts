"use server";

import { redirect } from "next/navigation";
import { endWebSession } from "@/lib/auth/sessions/web-session";
import { publicAction } from "@/lib/http/action";

/** Anyone may sign out: without a session it only clears the cookie. */
export const signOutAction = publicAction.call({}, async (): Promise<void> => {
  await endWebSession();
  redirect("/login?signed_out=1");
});
