"use client";

import { createContext, useContext, useState, type ReactNode } from "react";

/**
 * "Don't ask again on this browser": one choice for every way through the 2FA step (code form and
 * passkey button), sent along with whichever completes it. The server decides whether it applies.
 */
const TrustContext = createContext<{ trust: boolean; setTrust: (value: boolean) => void }>({
  trust: false,
  setTrust: () => undefined,
});

export function TrustBrowserProvider({ children }: { children: ReactNode }) {
  const [trust, setTrust] = useState(false);
  return <TrustContext value={{ trust, setTrust }}>{children}</TrustContext>;
}

export function useTrustBrowser(): boolean {
  return useContext(TrustContext).trust;
}

export function TrustBrowserCheckbox({ days }: { days: number }) {
  const { trust, setTrust } = useContext(TrustContext);
  return (
    <div className="flex items-start gap-2.5">
      <input
        id="trust-browser"
        type="checkbox"
        checked={trust}
        onChange={(event) => setTrust(event.target.checked)}
        aria-describedby="trust-browser-hint"
        className="mt-0.5 size-4 rounded border-zinc-300 text-indigo-600 focus-visible:outline-2 focus-visible:outline-indigo-600 dark:border-zinc-700"
      />
      <div>
        <label htmlFor="trust-browser" className="text-sm font-medium text-zinc-800 dark:text-zinc-200">
          Don&apos;t ask again on this browser for {days} {days === 1 ? "day" : "days"}
        </label>
        <p id="trust-browser-hint" className="text-xs text-zinc-500 dark:text-zinc-400">
          Skips the code at sign-in here. Only on a device you alone use; you can undo it on your sessions page.
        </p>
      </div>
    </div>
  );
}
