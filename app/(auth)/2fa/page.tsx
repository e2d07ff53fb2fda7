import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { AuthCard } from "@/components/auth-card";
import { OrDivider } from "@/components/passkeys/or-divider";
import { Alert } from "@/components/ui/alert";
import { safeReturnPath } from "@/lib/auth/sessions/guards";
import { describePendingLogin, wasCompletedByEnrollment } from "@/lib/auth/login/sign-in";
import { siteOrigin } from "@/lib/auth/site";
import { currentClient, getWebUser, readPendingLoginCookie } from "@/lib/auth/sessions/web-session";
import { cancelSignInAction } from "./actions";
import { EnrollPasskey } from "./enroll-passkey";
import { EnrollTotp } from "./enroll-totp";
import { PasskeyStep } from "./passkey-step";
import { TrustBrowserCheckbox, TrustBrowserProvider } from "./trust-browser";
import { VerifyForm } from "./verify-form";

export const metadata: Metadata = { title: "Two-factor authentication" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function TwoFactorPage({ searchParams }: Props) {
  const next = safeReturnPath((await searchParams).next);
  const sessionId = await readPendingLoginCookie();
  const pending = sessionId ? await describePendingLogin(sessionId, await currentClient()) : null;
  if (!pending) {
    // Enrollment signs the user in; the page then re-renders and must keep showing the new codes.
    const user = await getWebUser();
    if (user && sessionId && (await wasCompletedByEnrollment(sessionId, user.id))) {
      return (
        <AuthCard
          title="Protect your staff account"
          subtitle={`Staff accounts need two-factor authentication. Set it up now to finish signing in as ${user.username}.`}
        >
          <EnrollTotp next={next} username={user.username} site={siteOrigin()} />
        </AuthCard>
      );
    }
    redirect("/login?expired=1");
  }

  const cancel = (
    <form action={cancelSignInAction} className="text-center">
      <button
        type="submit"
        className="text-sm text-zinc-500 hover:text-zinc-700 dark:text-zinc-400 dark:hover:text-zinc-200"
      >
        Cancel and start over
      </button>
    </form>
  );

  if (pending.requiresSetup) {
    return (
      <AuthCard
        title="Protect your staff account"
        subtitle={`Staff accounts need two-factor authentication. Set it up now to finish signing in as ${pending.username}.`}
      >
        {pending.totpAvailable && <EnrollTotp next={next} username={pending.username} site={siteOrigin()} />}
        {pending.totpAvailable && pending.passkeyAvailable && <OrDivider />}
        {pending.passkeyAvailable && <EnrollPasskey next={next} />}
        {!pending.totpAvailable && !pending.passkeyAvailable && (
          <Alert tone="warning">No second factor can be set up on this site. Ask an administrator.</Alert>
        )}
        {cancel}
      </AuthCard>
    );
  }
  return (
    <AuthCard title="Two-factor authentication" subtitle={`Confirm it's you, ${pending.username}.`}>
      <TrustBrowserProvider>
        {pending.passkey && !pending.totp && <PasskeyStep next={next} primary />}
        {pending.passkey && !pending.totp && pending.backupCodes && <OrDivider />}
        {/* A passkey-only account without backup codes has no code to type, so no code field. */}
        {(pending.totp || pending.backupCodes) && (
          <VerifyForm
            next={next}
            totp={pending.totp}
            backupCodes={pending.backupCodes}
            trustDays={pending.trustBrowserDays}
          />
        )}
        {pending.passkey && pending.totp && <OrDivider />}
        {pending.passkey && pending.totp && <PasskeyStep next={next} primary={false} />}
        {/* With a code form the choice sits above its button; a passkey-only step shows it here. */}
        {pending.trustBrowserDays > 0 && !(pending.totp || pending.backupCodes) && (
          <TrustBrowserCheckbox days={pending.trustBrowserDays} />
        )}
      </TrustBrowserProvider>
      {cancel}
    </AuthCard>
  );
}
