import { startProviderSignInAction } from "@/app/oauth/actions";
import { buttonClass } from "@/components/ui/button";
import { listEnabledProviders } from "@/lib/auth/oauth-providers";

/** "Continue with …" for every configured and enabled provider; nothing at all when there is none. */
export async function ProviderButtons({ next }: { next: string }) {
  const providers = await listEnabledProviders();
  if (providers.length === 0) return null;
  return (
    <div className="space-y-3" data-testid="oauth-providers">
      <div className="flex items-center gap-3 text-xs uppercase tracking-wide text-zinc-500 dark:text-zinc-400" aria-hidden="true">
        <span className="h-px flex-1 bg-zinc-200 dark:bg-zinc-800" />
        or
        <span className="h-px flex-1 bg-zinc-200 dark:bg-zinc-800" />
      </div>
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
