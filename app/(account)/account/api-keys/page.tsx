import type { Metadata } from "next";
import { Alert } from "@/components/ui/alert";
import { Card } from "@/components/ui/card";
import { apiKeyOptions, listUserApiKeys, type ApiKeySummary } from "@/lib/auth/api-access/api-keys";
import { requireWebUser } from "@/lib/auth/sessions/guards";
import { siteOrigin } from "@/lib/auth/site";
import { CreateApiKeyForm } from "./create-api-key-form";
import { RevokeApiKeyButton } from "./revoke-api-key-button";

export const metadata: Metadata = { title: "API keys" };

const when = (d: Date | null, fallback: string) =>
  d ? `${d.toISOString().slice(0, 16).replace("T", " ")} UTC` : fallback;

function Heading({ scheme }: { scheme?: string }) {
  return (
    <div>
      <h1 className="text-2xl font-bold tracking-tight">API keys</h1>
      <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">
        Keys let your scripts and services call this site&apos;s API as you
        {scheme && (
          <>
            , sent as{" "}
            <code className="rounded bg-zinc-100 px-1 py-0.5 font-mono text-xs dark:bg-zinc-800">
              Authorization: {scheme} &lt;key&gt;
            </code>
          </>
        )}
        . A key cannot change your password, two-factor settings or other keys.
      </p>
    </div>
  );
}

export default async function ApiKeysPage() {
  const user = await requireWebUser("/account/api-keys");
  const options = apiKeyOptions();
  const keys = await listUserApiKeys(user.id);
  if (!options.enabled || !keys.ok) {
    return (
      <div className="space-y-6">
        <Heading />
        <Alert tone="info">API keys are turned off on this site.</Alert>
      </div>
    );
  }
  const active = keys.value.filter((k) => k.isActive).length;
  return (
    <div className="space-y-6">
      <Heading scheme={options.authScheme} />
      <Card
        title="Create a key"
        description="If you signed in a while ago, you will be asked to confirm with your password or a code."
      >
        <CreateApiKeyForm
          allowIndefinite={options.allowIndefinite}
          maxLifespanDays={options.maxLifespanDays}
          authScheme={options.authScheme}
          site={siteOrigin()}
          atLimit={active >= options.maxPerUser}
          maxPerUser={options.maxPerUser}
        />
      </Card>
      <Card
        title="Your keys"
        description={`${active} active of at most ${options.maxPerUser}. Expired keys stay listed until you revoke them.`}
      >
        {keys.value.length === 0 ? (
          <p className="text-sm text-zinc-600 dark:text-zinc-400">You have no API keys yet.</p>
        ) : (
          <KeyTable keys={keys.value} />
        )}
      </Card>
    </div>
  );
}

function KeyTable({ keys }: { keys: ApiKeySummary[] }) {
  const th = "px-3 py-2 text-left text-xs font-semibold uppercase tracking-wide text-zinc-500 dark:text-zinc-400";
  const td = "px-3 py-3 align-middle text-zinc-700 dark:text-zinc-300";
  return (
    <div className="-mx-3 overflow-x-auto">
      <table className="min-w-full text-sm">
        <thead>
          <tr className="border-b border-zinc-200 dark:border-zinc-800">
            <th className={th}>Name</th>
            <th className={th}>Key</th>
            <th className={th}>Created</th>
            <th className={th}>Last used</th>
            <th className={th}>Expires</th>
            <th className={th}>Status</th>
            <th className={th}>
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {keys.map((k) => (
            <tr
              key={k.id}
              data-testid="api-key-row"
              data-prefix={k.prefix}
              className="border-b border-zinc-100 last:border-0 dark:border-zinc-800/60"
            >
              <td className={`${td} font-medium text-zinc-900 dark:text-zinc-100`}>
                {k.name || <span className="text-zinc-400">Unnamed</span>}
              </td>
              <td className={`${td} whitespace-nowrap font-mono text-xs`}>{k.prefix}.…</td>
              <td className={`${td} whitespace-nowrap`}>{when(k.createdAt, "")}</td>
              <td className={`${td} whitespace-nowrap`}>{when(k.lastUsedAt, "Never")}</td>
              <td className={`${td} whitespace-nowrap`}>{when(k.expiresAt, "Never")}</td>
              <td className={td}>
                {k.isActive ? (
                  <span className="rounded-full bg-emerald-50 px-2 py-0.5 text-xs font-semibold text-emerald-700 ring-1 ring-emerald-200 ring-inset dark:bg-emerald-950/50 dark:text-emerald-300 dark:ring-emerald-900">
                    Active
                  </span>
                ) : (
                  <span className="rounded-full bg-zinc-100 px-2 py-0.5 text-xs font-semibold text-zinc-600 ring-1 ring-zinc-200 ring-inset dark:bg-zinc-800 dark:text-zinc-400 dark:ring-zinc-700">
                    Expired
                  </span>
                )}
              </td>
              <td className={`${td} text-right`}>
                <RevokeApiKeyButton id={k.id} label={k.name || k.prefix} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
