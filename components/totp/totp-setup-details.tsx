/** The QR code and the same secret spelled out for manual entry. */
export function TotpSetupDetails({ secret, qrCode }: { secret: string; qrCode: string }) {
  const grouped = secret.match(/.{1,4}/g)?.join(" ") ?? secret;
  return (
    <div className="space-y-3">
      <ol className="list-decimal space-y-1 pl-5 text-sm text-zinc-700 dark:text-zinc-300">
        <li>Open your authenticator app (Google Authenticator, Authy, 1Password, Microsoft Authenticator…).</li>
        <li>Scan the QR code, or enter the key by hand.</li>
        <li>Type the 6-digit code the app shows.</li>
      </ol>
      {/* eslint-disable-next-line @next/next/no-img-element -- a data: URL, nothing to optimise */}
      <img
        src={`data:image/png;base64,${qrCode}`}
        alt="QR code for your authenticator app"
        width={200}
        height={200}
        className="mx-auto rounded-md bg-white p-2"
      />
      <div>
        <p className="text-xs font-medium text-zinc-500 dark:text-zinc-400">Key for manual entry</p>
        <code
          data-testid="totp-secret"
          data-secret={secret}
          className="mt-1 block break-all rounded-md bg-zinc-100 px-3 py-2 font-mono text-sm tracking-wider dark:bg-zinc-800"
        >
          {grouped}
        </code>
      </div>
    </div>
  );
}
