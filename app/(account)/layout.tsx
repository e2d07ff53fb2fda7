import type { ReactNode } from "react";
import { StepUpBoundary } from "@/components/step-up/step-up-boundary";
import { getWebUser } from "@/lib/auth/sessions/web-session";

/**
 * Account pages share one step-up dialog: any form here whose action answers reauth_required asks
 * for the password or a code and retries. Access is still decided by each page (requireWebUser).
 */
export default async function AccountLayout({ children }: { children: ReactNode }) {
  const user = await getWebUser();
  return user ? <StepUpBoundary userId={user.id}>{children}</StepUpBoundary> : children;
}
