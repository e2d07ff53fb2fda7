import { redirect } from "next/navigation";
import { adminPath } from "@/lib/auth/admin/guard";

/** Back to the list the form came from (an admin path only), with a notice the page knows how to show. */
export function backWith(formData: FormData, fallback: string, notice: Record<string, string | number>): never {
  const raw = formData.get("return_to");
  const target = adminPath(typeof raw === "string" ? raw : fallback);
  const url = new URL(target, "http://admin.invalid");
  for (const key of ["notice", "n", "code"]) url.searchParams.delete(key);
  for (const [key, value] of Object.entries(notice)) url.searchParams.set(key, String(value));
  redirect(`${url.pathname}${url.search}`);
}
