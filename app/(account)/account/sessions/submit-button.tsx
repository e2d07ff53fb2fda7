"use client";

import type { ReactNode } from "react";
import { useFormStatus } from "react-dom";
import { Button, type ButtonVariant } from "@/components/ui/button";

/** A form's submit button that shows it is working. */
export function SubmitButton({
  children,
  pendingText,
  variant = "secondary",
  label,
}: {
  children: ReactNode;
  pendingText: string;
  variant?: ButtonVariant;
  label?: string;
}) {
  const { pending } = useFormStatus();
  return (
    <Button type="submit" variant={variant} disabled={pending} aria-label={label}>
      {pending ? pendingText : children}
    </Button>
  );
}
