import type { Metadata } from "next";
import Link from "next/link";
import { Alert } from "@/components/ui/alert";
import { Card } from "@/components/ui/card";
import { DonutChart } from "@/components/admin/charts/donut-chart";
import { LineChart } from "@/components/admin/charts/line-chart";
import { PageHeader } from "@/components/admin/page-header";
import { StatCard } from "@/components/admin/stat-card";
import { formatDateTime, formatNumber } from "@/components/admin/format";
import { requireStaff } from "@/lib/auth/admin/guard";
import {
  DASHBOARD_WINDOWS,
  loadDashboard,
  parseDashboardWindow,
  type DashboardWindow,
} from "@/lib/auth/admin/dashboard";
import { firstParam, type SearchParams } from "@/lib/auth/admin/listing";

export const metadata: Metadata = { title: "Security dashboard" };

type Props = { searchParams: Promise<SearchParams> };

const pct = (part: number, whole: number) => (whole === 0 ? "0%" : `${Math.round((part / whole) * 1000) / 10}%`);

function WindowPicker({ current }: { current: DashboardWindow }) {
  return (
    <nav
      aria-label="Time window"
      className="inline-flex rounded-lg bg-white p-1 shadow-sm ring-1 ring-zinc-200 dark:bg-zinc-900 dark:ring-zinc-800"
    >
      {(Object.keys(DASHBOARD_WINDOWS) as DashboardWindow[]).map((key) => (
        <Link
          key={key}
          href={key === "7d" ? "/admin" : `/admin?window=${key}`}
          aria-current={key === current ? "page" : undefined}
          className={`rounded-md px-3 py-1.5 text-sm font-medium focus-visible:outline-2 focus-visible:outline-indigo-600 ${
            key === current
              ? "bg-indigo-600 text-white"
              : "text-zinc-700 hover:bg-zinc-100 dark:text-zinc-300 dark:hover:bg-zinc-800"
          }`}
        >
          {DASHBOARD_WINDOWS[key].label}
        </Link>
      ))}
    </nav>
  );
}

export default async function DashboardPage({ searchParams }: Props) {
  const params = await searchParams;
  const range = parseDashboardWindow(firstParam(params, "window"));
  await requireStaff(range === "7d" ? "/admin" : `/admin?window=${range}`);
  const { report, activity, adoption, factorMix, failedSecondFactor24h, bucketMs } = await loadDashboard(range);
  const { users, apiKeys, passkeys } = report;
  const label = DASHBOARD_WINDOWS[range].label;
  const hourly = bucketMs < 86_400_000;
  const fullLabels = activity.map((p) =>
    hourly ? `${p.start.toISOString().slice(0, 13).replace("T", " ")}:00 UTC` : p.start.toISOString().slice(0, 10),
  );
  const tickLabels = activity.map((p) =>
    hourly ? `${p.start.toISOString().slice(11, 13)}:00` : p.start.toISOString().slice(5, 10),
  );
  const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
  const signIns = activity.map((p) => p.signIns);
  const failedPasswords = activity.map((p) => p.failedPasswords);
  const failedSecond = activity.map((p) => p.failedSecondFactor);
  const lastAdoption = adoption[adoption.length - 1];
  const firstAdoption = adoption[0];
  const scoreTone = report.score.value >= 80 ? "good" : report.score.value >= 50 ? "warn" : "bad";

  return (
    <div className="space-y-8">
      <PageHeader
        title="Security dashboard"
        description={`Accounts, second factors and sign-in activity over the last ${label}. Figures count active users; times are UTC.`}
        actions={<WindowPicker current={range} />}
      />

      <section aria-labelledby="score-heading" className="grid gap-4 lg:grid-cols-3">
        <div className="rounded-xl bg-white p-6 shadow-sm ring-1 ring-zinc-200 dark:bg-zinc-900 dark:ring-zinc-800">
          <h2 id="score-heading" className="text-sm font-medium text-zinc-600 dark:text-zinc-400">
            Security score
          </h2>
          <p className="mt-2 flex items-baseline gap-1">
            <span
              data-testid="security-score"
              className={`text-5xl font-bold tabular-nums tracking-tight ${scoreTone === "good" ? "text-emerald-700 dark:text-emerald-400" : scoreTone === "warn" ? "text-amber-700 dark:text-amber-300" : "text-red-700 dark:text-red-400"}`}
            >
              {report.score.value}
            </span>
            <span className="text-lg text-zinc-500 dark:text-zinc-400">/ 100</span>
          </p>
          <svg
            viewBox="0 0 100 4"
            preserveAspectRatio="none"
            aria-hidden="true"
            className="mt-3 h-2 w-full overflow-hidden rounded-full"
          >
            <rect width={100} height={4} className="fill-zinc-100 dark:fill-zinc-800" />
            <rect
              width={Math.min(100, Math.max(0, report.score.value))}
              height={4}
              className={
                scoreTone === "good" ? "fill-emerald-500" : scoreTone === "warn" ? "fill-amber-500" : "fill-red-500"
              }
            />
          </svg>
          <details className="mt-4 text-xs text-zinc-600 dark:text-zinc-400">
            <summary className="cursor-pointer font-medium text-zinc-700 hover:text-zinc-900 dark:text-zinc-300 dark:hover:text-white">
              How it is calculated
            </summary>
            <p className="mt-2 leading-relaxed" data-testid="score-formula">
              {report.score.formula}
            </p>
          </details>
        </div>
        <div className="lg:col-span-2">
          <h2 className="sr-only">Alerts</h2>
          <ul className="space-y-2" data-testid="alerts">
            {report.alerts.length === 0 ? (
              <li>
                <Alert tone="success">All systems secure! No alerts for the last {label}.</Alert>
              </li>
            ) : (
              report.alerts.map((alert) => (
                <li key={alert.code}>
                  <Alert tone={alert.level === "critical" ? "error" : "warning"}>
                    <span className="font-semibold">{alert.level === "critical" ? "Critical: " : "Warning: "}</span>
                    {alert.message}
                    {alert.code === "staff_without_2fa" && users.staffWithoutTwoFactorNames.length > 0 && (
                      <> ({users.staffWithoutTwoFactorNames.join(", ")})</>
                    )}
                    {alertLink(alert.code)}
                  </Alert>
                </li>
              ))
            )}
          </ul>
        </div>
      </section>

      <section aria-labelledby="stats-heading">
        <h2 id="stats-heading" className="mb-3 text-base font-semibold text-zinc-900 dark:text-zinc-100">
          At a glance
        </h2>
        <div className="grid grid-cols-2 gap-4 md:grid-cols-3 xl:grid-cols-4">
          <StatCard
            label="Total users"
            value={formatNumber(users.active)}
            detail={`${users.inactive} deactivated`}
            href="/admin/users?status=active"
            testId="stat-users"
          />
          <StatCard
            label="Users with 2FA"
            value={formatNumber(users.withTwoFactor)}
            detail={`${users.adoptionPercent}% adoption`}
            href="/admin/users?twofa=on"
            accent={users.adoptionPercent >= 80 ? "good" : "warn"}
            testId="stat-2fa"
          />
          <StatCard
            label="TOTP users"
            value={formatNumber(users.withTotp)}
            detail={`${users.withBoth} also have a passkey`}
            href="/admin/users?twofa=totp"
          />
          <StatCard
            label="Passkey users"
            value={formatNumber(users.withPasskey)}
            detail={`${users.passkeyOnly} passkey only`}
            href="/admin/users?twofa=passkey"
          />
          <StatCard
            label="Staff without 2FA"
            value={users.staffWithoutTwoFactor}
            detail={`of ${users.staff} staff`}
            href="/admin/users?role=staff&twofa=off"
            accent={users.staffWithoutTwoFactor > 0 ? "bad" : "good"}
            testId="stat-staff-without-2fa"
          />
          <StatCard
            label="2FA without backup codes"
            value={users.twoFactorWithoutBackupCodes}
            detail="users with no unused code left"
            href="/admin/backup-codes?remaining=none&factor=yes"
            accent={users.twoFactorWithoutBackupCodes > 0 ? "warn" : "good"}
          />
          <StatCard
            label="Active login sessions"
            value={report.activity.pendingLoginSessions}
            detail={`${report.activity.loginSessionsStarted} started in ${label}`}
            href="/admin/login-sessions?status=pending"
          />
          <StatCard
            label="Signed-in sessions"
            value={formatNumber(report.activity.activeSessions)}
            detail="browsers and API clients"
            href="/admin/sessions?status=active"
          />
          <StatCard
            label="Failed 2FA attempts (24 h)"
            value={failedSecondFactor24h}
            detail={`${report.activity.failedSecondFactor} in ${label} · ${report.activity.failedPasswords} wrong passwords`}
            href="/admin/failed-attempts?recent=24h"
            accent={failedSecondFactor24h > 10 ? "bad" : "neutral"}
            testId="stat-failed-24h"
          />
          <StatCard
            label="API keys active"
            value={apiKeys.active}
            detail={`${apiKeys.expiringSoon} expire within 7 days · ${apiKeys.revoked} revoked`}
            href="/admin/api-keys?status=active"
            testId="stat-api-keys"
          />
          <StatCard
            label="Passkeys unused 90+ days"
            value={passkeys.unusedFor90Days}
            detail={`of ${passkeys.total} passkeys`}
            href="/admin/passkeys?usage=stale"
            accent={passkeys.unusedFor90Days > 0 ? "warn" : "neutral"}
          />
          <StatCard
            label="API keys unused"
            value={apiKeys.unusedInWindow}
            detail={`active, not used in ${label} · ${apiKeys.expired} expired`}
            href="/admin/api-keys"
          />
        </div>
      </section>

      <section aria-labelledby="charts-heading" className="space-y-4">
        <h2 id="charts-heading" className="text-base font-semibold text-zinc-900 dark:text-zinc-100">
          Trends
        </h2>
        <Card>
          <LineChart
            id="activity-chart"
            title={`Sign-ins and failed attempts per ${hourly ? "hour" : "day"}`}
            summary={`Over the last ${label}: ${sum(signIns)} sign-ins (peak ${Math.max(0, ...signIns)}), ${sum(failedPasswords)} wrong passwords and ${sum(failedSecond)} failed second-factor attempts.`}
            labels={fullLabels}
            tickLabels={tickLabels}
            unit={hourly ? "per hour, UTC" : "per day, UTC"}
            width={900}
            height={250}
            series={[
              { name: "Sign-ins", values: signIns, tone: "indigo", area: true },
              { name: "Wrong passwords", values: failedPasswords, tone: "amber" },
              { name: "Failed second factor", values: failedSecond, tone: "rose" },
            ]}
          />
        </Card>
        <div className="grid gap-4 xl:grid-cols-5">
          <Card className="min-w-0 xl:col-span-3">
            <LineChart
              id="adoption-chart"
              title="2FA adoption over time"
              summary={`Active users grew from ${firstAdoption?.users ?? 0} to ${lastAdoption?.users ?? 0}; users with a second factor from ${firstAdoption?.withTwoFactor ?? 0} to ${lastAdoption?.withTwoFactor ?? 0} (${pct(lastAdoption?.withTwoFactor ?? 0, lastAdoption?.users ?? 0)}).`}
              labels={fullLabels}
              tickLabels={tickLabels}
              unit="users at the end of each period"
              series={[
                { name: "Active users", values: adoption.map((p) => p.users), tone: "zinc", dashed: true },
                { name: "With 2FA", values: adoption.map((p) => p.withTwoFactor), tone: "emerald", area: true },
              ]}
            />
          </Card>
          <Card className="min-w-0 xl:col-span-2">
            <DonutChart
              id="factor-mix"
              title="Factor mix"
              centerLabel="active users"
              summary={`${factorMix.totpOnly} use an authenticator app only, ${factorMix.passkeyOnly} passkeys only, ${factorMix.both} both, and ${factorMix.none} have no second factor.`}
              segments={[
                { name: "Authenticator app only", value: factorMix.totpOnly, tone: "indigo" },
                { name: "Passkeys only", value: factorMix.passkeyOnly, tone: "sky" },
                { name: "Both", value: factorMix.both, tone: "emerald" },
                { name: "No second factor", value: factorMix.none, tone: "zinc" },
              ]}
            />
          </Card>
        </div>
      </section>

      {report.activity.failedByIp.length > 0 && (
        <section aria-labelledby="ips-heading">
          <h2 id="ips-heading" className="mb-3 text-base font-semibold text-zinc-900 dark:text-zinc-100">
            Failed attempts by address ({label})
          </h2>
          <div className="relative overflow-x-auto rounded-xl bg-white shadow-sm ring-1 ring-zinc-200 dark:bg-zinc-900 dark:ring-zinc-800">
            <table className="min-w-full divide-y divide-zinc-200 text-sm dark:divide-zinc-800">
              <caption className="sr-only">Addresses with the most failed attempts</caption>
              <thead className="bg-zinc-50 dark:bg-zinc-800/60">
                <tr>
                  {["Address", "Second factor", "Password", "Total"].map((h) => (
                    <th
                      key={h}
                      scope="col"
                      className="px-3 py-2.5 text-left text-xs font-semibold uppercase tracking-wide text-zinc-600 dark:text-zinc-400"
                    >
                      {h}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
                {report.activity.failedByIp.map((row) => (
                  <tr key={row.ip}>
                    <th scope="row" className="px-3 py-2 text-left font-mono font-medium">
                      <Link
                        href={`/admin/failed-attempts?q=${encodeURIComponent(row.ip)}`}
                        className="text-indigo-700 hover:underline dark:text-indigo-400"
                      >
                        {row.ip}
                      </Link>
                    </th>
                    <td className="px-3 py-2 tabular-nums">{row.secondFactor}</td>
                    <td className="px-3 py-2 tabular-nums">{row.password}</td>
                    <td className="px-3 py-2 font-semibold tabular-nums">{row.total}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      )}
      <p className="text-xs text-zinc-500 dark:text-zinc-400">
        Generated {formatDateTime(new Date(report.generatedAt))}. The same figures:{" "}
        <code className="font-mono">npm run security-audit -- --days {DASHBOARD_WINDOWS[range].reportDays}</code>.
      </p>
    </div>
  );
}

function alertLink(code: string) {
  const links: Record<string, string> = {
    staff_without_2fa: "/admin/users?role=staff&twofa=off",
    high_failed_attempts: "/admin/failed-attempts",
    "2fa_without_backup_codes": "/admin/backup-codes?remaining=none&factor=yes",
    stale_passkeys: "/admin/passkeys?usage=stale",
    unused_api_keys: "/admin/api-keys?status=active&sort=last_used&dir=asc",
    api_keys_expiring: "/admin/api-keys?status=active&sort=expires&dir=asc",
  };
  const href = links[code];
  return href ? (
    <>
      {" "}
      <Link href={href} className="font-semibold underline underline-offset-2">
        Review
      </Link>
    </>
  ) : null;
}
