import type { Metadata } from "next";
import { Alert } from "@/components/ui/alert";
import { Card } from "@/components/ui/card";
import { requireWebUser } from "@/lib/auth/sessions/guards";
import { listUserSessions, type SessionView } from "@/lib/auth/sessions/user-sessions";
import { listTrustedDevices, trustedDevicesEnabled, type TrustedDeviceView } from "@/lib/auth/login/trusted-devices";
import {
  revokeAllTrustedDevicesAction,
  revokeOtherSessionsAction,
  revokeSessionAction,
  revokeTrustedDeviceAction,
} from "./actions";
import { SubmitButton } from "./submit-button";

export const metadata: Metadata = { title: "Sessions and devices" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

const DONE: Record<string, string> = {
  session: "That session is signed out. It ends on its next request.",
  others: "Every other session is signed out.",
  browser: "That browser will be asked for a code again.",
  browsers: "No browser skips the code any more.",
  gone: "That one had already ended.",
  refused: "Nothing was changed: your session could not be checked. Sign in again and retry.",
};

const stamp = (d: Date) => `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;

function ago(date: Date, now: Date): string {
  const minutes = Math.floor((now.getTime() - date.getTime()) / 60_000);
  if (minutes < 5) return "just now";
  if (minutes < 60) return `${minutes} minutes ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} ${hours === 1 ? "hour" : "hours"} ago`;
  return `${Math.floor(hours / 24)} days ago`;
}

function DeviceIcon({ kind, type }: { kind: "web" | "api"; type: string }) {
  const common = {
    "aria-hidden": true,
    viewBox: "0 0 24 24",
    className: "size-5",
    fill: "none",
    stroke: "currentColor",
    strokeWidth: 1.8,
    strokeLinecap: "round" as const,
    strokeLinejoin: "round" as const,
  };
  if (kind === "api") {
    return (
      <svg {...common}>
        <path d="m8 9-3 3 3 3M16 9l3 3-3 3M13.5 7l-3 10" />
      </svg>
    );
  }
  if (type === "mobile" || type === "tablet") {
    return (
      <svg {...common}>
        <rect x="7" y="3" width="10" height="18" rx="2" />
        <path d="M11 18h2" />
      </svg>
    );
  }
  return (
    <svg {...common}>
      <rect x="3" y="4" width="18" height="12" rx="2" />
      <path d="M8 20h8M12 16v4" />
    </svg>
  );
}

function SessionRow({ session, now }: { session: SessionView; now: Date }) {
  return (
    <li
      className="flex flex-col gap-3 p-4 sm:flex-row sm:items-start"
      data-testid="session-row"
      data-current={session.current ? "true" : "false"}
      data-session-id={session.id}
    >
      <div className="w-fit rounded-md bg-zinc-100 p-2 text-zinc-600 dark:bg-zinc-800 dark:text-zinc-300">
        <DeviceIcon kind={session.kind} type={session.device.type} />
      </div>
      <div className="min-w-0 flex-1">
        <p className="flex flex-wrap items-center gap-2 text-sm font-semibold text-zinc-900 dark:text-zinc-100">
          <span data-testid="session-device">{session.device.label}</span>
          {session.current && (
            <span className="rounded-full bg-emerald-100 px-2 py-0.5 text-xs font-medium text-emerald-800 dark:bg-emerald-950 dark:text-emerald-300">
              This browser
            </span>
          )}
          {session.kind === "api" && (
            <span className="rounded-full bg-zinc-100 px-2 py-0.5 text-xs font-medium text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300">
              API client
            </span>
          )}
        </p>
        <p className="mt-0.5 text-xs text-zinc-600 dark:text-zinc-400">
          {session.ipAddress ?? "IP address unknown"} · {session.signIn.label}
        </p>
        <p className="mt-0.5 text-xs text-zinc-500">
          Signed in {stamp(session.createdAt)} ·{" "}
          {session.current ? "active now" : `last active ${ago(session.lastSeenAt, now)}`}
        </p>
      </div>
      <form action={revokeSessionAction} className="shrink-0">
        <input type="hidden" name="id" value={session.id} />
        <SubmitButton
          pendingText="Signing out…"
          label={`Sign out ${session.current ? "this browser" : session.device.label}`}
        >
          Sign out
        </SubmitButton>
      </form>
    </li>
  );
}

function TrustedRow({ device, now }: { device: TrustedDeviceView; now: Date }) {
  return (
    <li className="flex flex-col gap-3 p-4 sm:flex-row sm:items-start" data-testid="trusted-browser-row">
      <div className="min-w-0 flex-1">
        <p className="text-sm font-semibold text-zinc-900 dark:text-zinc-100">{device.device.label}</p>
        <p className="mt-0.5 text-xs text-zinc-600 dark:text-zinc-400">
          {device.ipAddress ?? "IP address unknown"} · trusted {stamp(device.createdAt)} ·{" "}
          {device.lastUsedAt ? `last used ${ago(device.lastUsedAt, now)}` : "not used yet"}
        </p>
        <p className="mt-0.5 text-xs text-zinc-500">Until {stamp(device.expiresAt)}</p>
      </div>
      <form action={revokeTrustedDeviceAction} className="shrink-0">
        <input type="hidden" name="id" value={device.id} />
        <SubmitButton pendingText="Removing…" label={`Stop trusting ${device.device.label}`}>
          Stop trusting
        </SubmitButton>
      </form>
    </li>
  );
}

export default async function SessionsPage({ searchParams }: Props) {
  const user = await requireWebUser("/account/sessions");
  const now = new Date();
  const [sessions, trusted] = await Promise.all([
    listUserSessions(user.id, user.sessionId, now),
    listTrustedDevices(user.id, now),
  ]);
  const done = (await searchParams).done;
  const message = typeof done === "string" ? DONE[done] : undefined;
  const others = sessions.filter((s) => !s.current).length;
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-bold tracking-tight">Sessions and devices</h1>
        <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">
          Where your account is signed in, and which browsers may skip the two-factor step.
        </p>
      </div>
      {message && <Alert tone="success">{message}</Alert>}

      <Card
        title="Where you're signed in"
        description="Browsers and API clients with a live session. Don't recognise one? Sign it out, then change your password. Places are not shown: only the IP address is known."
      >
        <div className="space-y-4">
          <ul
            className="divide-y divide-zinc-200 rounded-lg ring-1 ring-zinc-200 dark:divide-zinc-800 dark:ring-zinc-800"
            aria-label="Signed-in sessions"
          >
            {sessions.map((session) => (
              <SessionRow key={session.id} session={session} now={now} />
            ))}
          </ul>
          {others > 0 && (
            <form action={revokeOtherSessionsAction}>
              <SubmitButton variant="danger" pendingText="Signing out…">
                Sign out all other sessions ({others})
              </SubmitButton>
            </form>
          )}
        </div>
      </Card>

      <Card
        title="Trusted browsers"
        description="Browsers where you chose “don't ask again” at the two-factor step. They still need your password; changing your password or two-factor settings removes them all."
      >
        {!trustedDevicesEnabled() ? (
          <p className="text-sm text-zinc-600 dark:text-zinc-400">Trusted browsers are turned off on this site.</p>
        ) : trusted.length === 0 ? (
          <p className="text-sm text-zinc-600 dark:text-zinc-400" data-testid="no-trusted-browsers">
            No trusted browsers. Tick “Don&apos;t ask again on this browser” at the two-factor step to add one.
          </p>
        ) : (
          <div className="space-y-4">
            <ul
              className="divide-y divide-zinc-200 rounded-lg ring-1 ring-zinc-200 dark:divide-zinc-800 dark:ring-zinc-800"
              aria-label="Trusted browsers"
            >
              {trusted.map((device) => (
                <TrustedRow key={device.id} device={device} now={now} />
              ))}
            </ul>
            {trusted.length > 1 && (
              <form action={revokeAllTrustedDevicesAction}>
                <SubmitButton variant="danger" pendingText="Removing…">
                  Stop trusting all browsers
                </SubmitButton>
              </form>
            )}
          </div>
        )}
      </Card>
    </div>
  );
}
