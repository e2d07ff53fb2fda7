import type { ReactNode } from "react";
import { getStepUpMethods } from "@/lib/auth/policy/step-up";
import { StepUpProvider } from "./step-up-dialog";

/** Wraps a page whose forms may answer reauth_required: offers the proofs this user can give. */
export async function StepUpBoundary({ userId, children }: { userId: number; children: ReactNode }) {
  const methods = await getStepUpMethods(userId);
  return <StepUpProvider methods={methods}>{children}</StepUpProvider>;
}
