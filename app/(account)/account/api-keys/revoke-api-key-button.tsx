"use client";

import { useActionState, useState } from "react";
import { Button } from "@/components/ui/button";
import { revokeApiKeyAction, type RevokeApiKeyState } from "./actions";

/** Revoking takes two clicks: a key in use somewhere stops working at once. */
export function RevokeApiKeyButton({ id, label }: { id: number; label: string }) {
  const [confirming, setConfirming] = useState(false);
  const [state, action, pending] = useActionState<RevokeApiKeyState, FormData>(revokeApiKeyAction, {});
  if (!confirming) {
    return (
      <Button type="button" variant="secondary" aria-label={`Revoke ${label}`} onClick={() => setConfirming(true)}>
        Revoke
      </Button>
    );
  }
  return (
    <form action={action} className="flex flex-wrap items-center justify-end gap-2">
      <input type="hidden" name="id" value={id} />
      <span className="text-xs text-zinc-700 dark:text-zinc-300">Anything using it stops working.</span>
      <Button type="submit" variant="danger" disabled={pending}>
        {pending ? "Revoking…" : "Revoke key"}
      </Button>
      <Button type="button" variant="ghost" onClick={() => setConfirming(false)}>
        Cancel
      </Button>
      {state.error && (
        <span role="alert" className="w-full text-right text-xs text-red-600 dark:text-red-400">
          {state.error}
        </span>
      )}
    </form>
  );
}
