import { startProviderSignInAction } from "@/app/oauth/actions";
import { buttonClass } from "@/components/ui/button";
import type { listEnabledProviders } from "@/lib/auth/oauth/providers";

type Provider = Awaited<ReturnType<typeof listEnabledProviders>>[number];

/** "Continue with …" for every configured and enabled provider; nothing at all when there is none. */
export function ProviderButtons({ providers, next }: { providers: Provider[]; next: string }) {
  if (providers.length === 0) return null;
  return (
    <div className="space-y-3" data-testid="oauth-providers">
      {providers.map((provider) => (
        <form key={provider.id} action={startProviderSignInAction}>
          <input type="hidden" name="provider" value={provider.id} />
          <input type="hidden" name="next" value={next} />
          <button type="submit" className={buttonClass("secondary", "w-full")}>
            Continue with {provider.displayName}
          </button>
        </form>
      ))}
    </div>
  );
}
