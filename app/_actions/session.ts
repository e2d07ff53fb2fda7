"use server";

import { redirect } from "next/navigation";
import { endWebSession } from "@/lib/auth/web-session";

export async function signOutAction(): Promise<void> {
  await endWebSession();
  redirect("/login?signed_out=1");
}
