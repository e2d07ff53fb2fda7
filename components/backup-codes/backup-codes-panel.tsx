"use client";

import { useState } from "react";
import { Button } from "@/components/ui/button";

/** Shows freshly generated backup codes once, with download, copy and print. */
export function BackupCodesPanel({ codes, username, site }: { codes: string[]; username: string; site: string }) {
  const [copied, setCopied] = useState(false);
  const generated = new Date().toISOString().replace("T", " ").slice(0, 16) + " UTC";
  const text = [
    `Backup codes for ${username}`,
    `Generated on: ${generated}`,
    `Website: ${site}`,
    "",
    "IMPORTANT: Store these codes securely. Each code can only be used once.",
    "If you lose access to your authenticator or passkey, use one of these codes to sign in.",
    "",
    "Backup codes:",
    ...codes,
    "",
  ].join("\n");
  const csv = ["username,backup_code", ...codes.map((c) => `${username},${c}`)].join("\n") + "\n";

  function download(content: string, type: string, extension: string) {
    const url = URL.createObjectURL(new Blob([content], { type }));
    const link = document.createElement("a");
    link.href = url;
    link.download = `backup-codes-${username}.${extension}`;
    link.click();
    URL.revokeObjectURL(url);
  }

  return (
    <div className="max-w-md space-y-4">
      <p className="text-sm text-zinc-700 dark:text-zinc-300">
        Save these codes somewhere safe. Each works <strong>once</strong>, and they will not be shown again.
      </p>
      <ul
        aria-label="Backup codes"
        className="grid grid-cols-2 gap-2 rounded-lg bg-zinc-50 p-4 font-mono text-sm tracking-wider ring-1 ring-zinc-200 dark:bg-zinc-950 dark:ring-zinc-800"
      >
        {codes.map((code) => (
          <li key={code} data-testid="backup-code" className="text-center text-zinc-900 dark:text-zinc-100">
            {code}
          </li>
        ))}
      </ul>
      <div className="no-print flex flex-wrap gap-2">
        <Button type="button" variant="secondary" onClick={() => download(text, "text/plain", "txt")}>
          Download .txt
        </Button>
        <Button type="button" variant="secondary" onClick={() => download(csv, "text/csv", "csv")}>
          Download .csv
        </Button>
        <Button
          type="button"
          variant="secondary"
          onClick={() => {
            void navigator.clipboard.writeText(codes.join("\n")).then(() => setCopied(true));
          }}
        >
          {copied ? "Copied" : "Copy"}
        </Button>
        <Button type="button" variant="secondary" onClick={() => window.print()}>
          Print
        </Button>
      </div>
    </div>
  );
}
