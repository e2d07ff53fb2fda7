import Link from "next/link";
import { buttonClass } from "@/components/ui/button";
import { getWebUser } from "@/lib/auth/sessions/web-session";

const features = [
  ["Password sign-in with JWT APIs", "Access and refresh tokens with rotation, reuse detection and revocation."],
  ["Authenticator apps", "TOTP with QR setup, replay protection and encrypted secrets."],
  ["Passkeys", "Security keys, phones, Touch ID and Windows Hello, as a second factor or on their own."],
  ["Backup codes", "Single-use recovery codes, hashed at rest, downloadable once."],
  ["API keys", "Per-user keys for machine-to-machine calls, hashed, expiring and revocable."],
  ["Admin area", "Staff-only, 2FA enforced, with a security dashboard."],
];

export default async function HomePage() {
  const user = await getWebUser();
  return (
    <div className="space-y-12">
      <section className="max-w-2xl">
        <h1 className="text-4xl font-bold tracking-tight text-zinc-900 dark:text-white">
          Sign-in your users can trust
        </h1>
        <p className="mt-4 text-lg text-zinc-600 dark:text-zinc-400">
          A Next.js starter with passwords, two-factor authentication, passkeys, backup codes and API keys — on your own
          PostgreSQL.
        </p>
        <div className="mt-6 flex gap-3">
          {user ? (
            <Link href="/account" className={buttonClass("primary")}>
              Go to your account
            </Link>
          ) : (
            <>
              <Link href="/signup" className={buttonClass("primary")}>
                Create an account
              </Link>
              <Link href="/login" className={buttonClass("secondary")}>
                Sign in
              </Link>
            </>
          )}
        </div>
      </section>
      <section aria-labelledby="features" className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
        <h2 id="features" className="sr-only">
          Features
        </h2>
        {features.map(([title, text]) => (
          <div key={title} className="rounded-xl bg-white p-5 ring-1 ring-zinc-200 dark:bg-zinc-900 dark:ring-zinc-800">
            <h3 className="font-semibold text-zinc-900 dark:text-zinc-100">{title}</h3>
            <p className="mt-1.5 text-sm text-zinc-600 dark:text-zinc-400">{text}</p>
          </div>
        ))}
      </section>
    </div>
  );
}
