import type { Metadata } from "next";
import type { ReactNode } from "react";
import Link from "next/link";
import { notFound } from "next/navigation";
import { AdminActionForm } from "@/components/admin/action-form";
import { Badge } from "@/components/admin/badge";
import { formatDateTime, formatRelative } from "@/components/admin/format";
import { PageHeader } from "@/components/admin/page-header";
import { Card } from "@/components/ui/card";
import { requireStaff } from "@/lib/auth/admin/guard";
import { parseListQuery } from "@/lib/auth/admin/listing";
import { eventsSpec, listSecurityEvents } from "@/lib/auth/admin/security-events";
import { describeStepUp, getAdminUser } from "@/lib/auth/admin/users";
import { siteOrigin } from "@/lib/auth/site";
import {
  regenerateBackupCodesAction,
  resetTwoFactorAction,
  setActiveAction,
  setStaffAction,
  setSuperuserAction,
  unlockSecondFactorAction,
} from "../actions";

export const metadata: Metadata = { title: "User" };

type Props = { params: Promise<{ id: string }> };

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="py-2 sm:grid sm:grid-cols-3 sm:gap-4">
      <dt className="text-sm font-medium text-zinc-600 dark:text-zinc-400">{label}</dt>
      <dd className="mt-1 text-sm text-zinc-900 sm:col-span-2 sm:mt-0 dark:text-zinc-100">{children}</dd>
    </div>
  );
}

export default async function AdminUserPage({ params }: Props) {
  const { id } = await params;
  const admin = await requireStaff(`/admin/users/${encodeURIComponent(id)}`);
  const userId = /^[1-9][0-9]{0,9}$/.test(id) ? Number(id) : 0;
  const target = await getAdminUser(userId);
  if (!target) notFound();
  const stepUp = await describeStepUp(admin);
  const events = await listSecurityEvents(
    parseListQuery({ user: String(target.id), per_page: "25" }, eventsSpec([], [String(target.id)])),
    "all",
    { skip: 0, take: 10 },
  );
  const self = target.id === admin.id;
  const hasFactor = target.totp || target.passkeys > 0;
  const hidden = { user_id: String(target.id) };
  const site = siteOrigin();
  const link = "text-indigo-700 hover:underline dark:text-indigo-400";
  return (
    <div className="space-y-6">
      <p className="text-sm">
        <Link href="/admin/users" className={link}>
          ← Users
        </Link>
      </p>
      <PageHeader
        title={target.username}
        description={target.email}
        actions={
          <span className="flex flex-wrap gap-1">
            {target.isSuperuser && <Badge tone="indigo">Superuser</Badge>}
            {target.isStaff && <Badge tone="indigo">Staff</Badge>}
            {target.isActive ? <Badge tone="green">Active</Badge> : <Badge tone="red">Inactive</Badge>}
            {hasFactor ? <Badge tone="green">2FA on</Badge> : <Badge tone="amber">2FA off</Badge>}
          </span>
        }
      />
      <div className="grid gap-6 xl:grid-cols-2">
        <Card title="Account">
          <dl className="divide-y divide-zinc-100 dark:divide-zinc-800">
            <Fact label="Roles">
              {target.isSuperuser ? "Staff, superuser (manages staff)" : target.isStaff ? "Staff" : "User"}
            </Fact>
            <Fact label="Joined">{formatDateTime(target.createdAt)}</Fact>
            <Fact label="E-mail address">
              <span data-testid="email-verification">
                {target.emailVerifiedAt ? (
                  `Verified ${formatDateTime(target.emailVerifiedAt)}`
                ) : (
                  <Badge tone="amber">Unverified</Badge>
                )}
              </span>
            </Fact>
            <Fact label="Last sign-in">
              {formatDateTime(target.lastLoginAt)}{" "}
              {target.lastLoginAt && <span className="text-zinc-500">({formatRelative(target.lastLoginAt)})</span>}
            </Fact>
            <Fact label="Password">{target.hasPassword ? "Set" : "None (passkey or social sign-in only)"}</Fact>
            <Fact label="Authenticator app">
              {target.totp ? `On since ${formatDateTime(target.totpSince)}` : "Off"}
            </Fact>
            <Fact label="Passkeys">
              <Link href={`/admin/passkeys?q=${encodeURIComponent(target.username)}`} className={link}>
                {target.passkeys}
              </Link>
            </Fact>
            <Fact label="Backup codes left">{hasFactor ? target.backupCodesRemaining : "—"}</Fact>
            {target.secondFactorLockedAt && (
              <Fact label="Code sign-in">
                Locked since {formatDateTime(target.secondFactorLockedAt)} (too many wrong codes)
              </Fact>
            )}
            <Fact label="Signed-in sessions">
              <Link href={`/admin/sessions?q=${encodeURIComponent(target.username)}&status=active`} className={link}>
                {target.activeSessions} active
              </Link>
            </Fact>
            <Fact label="API keys">
              <Link href={`/admin/api-keys?q=${encodeURIComponent(target.username)}&status=active`} className={link}>
                {target.activeApiKeys} active
              </Link>
            </Fact>
          </dl>
        </Card>
        <Card title="Recent security events" description={`The latest ten events about ${target.username}.`}>
          {events.rows.length === 0 ? (
            <p className="text-sm text-zinc-600 dark:text-zinc-400">None.</p>
          ) : (
            <ol className="space-y-2 text-sm">
              {events.rows.map((e) => (
                <li key={e.id} className="flex flex-wrap justify-between gap-x-4">
                  <span className="font-mono text-xs text-zinc-800 dark:text-zinc-200">{e.type}</span>
                  <span className="text-xs text-zinc-500 dark:text-zinc-400">
                    {formatDateTime(e.createdAt)} · {e.ipAddress ?? "no address"}
                  </span>
                </li>
              ))}
            </ol>
          )}
          <p className="mt-4 text-sm">
            <Link href={`/admin/events?user=${target.id}`} className={link}>
              All events for this user →
            </Link>
          </p>
        </Card>
      </div>

      {self ? (
        <Card title="Your own account">
          <p className="text-sm text-zinc-700 dark:text-zinc-300">
            Manage your own factors and backup codes under{" "}
            <Link href="/admin/account" className={link}>
              My security
            </Link>
            . Another admin has to change your staff or active flags.
          </p>
        </Card>
      ) : (
        <div className="grid gap-6 xl:grid-cols-2">
          {target.secondFactorLockedAt && (
            <Card
              title="Unlock code sign-in"
              description="Too many wrong two-factor codes were entered after a correct password, so sign-in with a code is locked. Unlock once you know the owner is safe (they were told by e-mail; the password may be known to someone else)."
            >
              <AdminActionForm
                idPrefix="unlock"
                action={unlockSecondFactorAction}
                hidden={hidden}
                submitLabel="Unlock"
                stepUp={stepUp}
                site={site}
              />
            </Card>
          )}
          <Card
            title="Reset two-factor authentication"
            description="Removes the authenticator app, every passkey and all backup codes, and ends the user's sessions. They sign in with their password next time (staff then set up a new factor)."
          >
            <AdminActionForm
              idPrefix="reset"
              action={resetTwoFactorAction}
              hidden={hidden}
              submitLabel="Reset 2FA"
              variant="danger"
              reason={{
                label: "Reason",
                hint: "Required, 5–500 characters. Written to the security log with your name.",
              }}
              stepUp={stepUp}
              site={site}
            />
          </Card>
          <Card
            title={<span id="backup-codes">Backup codes</span>}
            description="Makes a new set for the user and shows it to you once, to hand over; the old codes stop working. Needs an authenticator app or passkey."
          >
            {target.isStaff ? (
              <p className="text-sm text-zinc-600 dark:text-zinc-400">
                Backup codes of a staff account are only ever shown to its owner: they make new ones on their own
                security page.
              </p>
            ) : hasFactor ? (
              <AdminActionForm
                idPrefix="codes"
                action={regenerateBackupCodesAction}
                hidden={hidden}
                submitLabel="Generate new backup codes"
                reason={{ label: "Reason", hint: "Required, e.g. the support ticket. Written to the security log." }}
                stepUp={stepUp}
                site={site}
              />
            ) : (
              <p className="text-sm text-zinc-600 dark:text-zinc-400">
                This user has no second factor, so backup codes would not work.
              </p>
            )}
          </Card>
          <Card
            title={target.isActive ? "Deactivate account" : "Activate account"}
            description={
              target.isActive
                ? "The user can no longer sign in; their sessions end now and their API keys stop working."
                : "The user can sign in again."
            }
          >
            <AdminActionForm
              idPrefix="active"
              action={setActiveAction}
              hidden={{ ...hidden, active: String(!target.isActive) }}
              submitLabel={target.isActive ? "Deactivate" : "Activate"}
              variant={target.isActive ? "danger" : "primary"}
              stepUp={stepUp}
              site={site}
            />
          </Card>
          <Card
            title="Staff access"
            description={
              target.isStaff
                ? "Removing staff access closes the admin area to this user."
                : "Staff reach the admin area only after a second factor in their own session; without a factor they set one up first."
            }
          >
            <AdminActionForm
              idPrefix="staff"
              action={setStaffAction}
              hidden={{ ...hidden, staff: String(!target.isStaff) }}
              submitLabel={target.isStaff ? "Remove staff access" : "Make staff"}
              variant={target.isStaff ? "danger" : "secondary"}
              stepUp={stepUp}
              site={site}
            />
          </Card>
          {target.isStaff && (
            <Card
              title="Superuser"
              description="Only superusers grant or remove staff, and reset or deactivate staff accounts. The last active superuser cannot be removed."
            >
              <AdminActionForm
                idPrefix="superuser"
                action={setSuperuserAction}
                hidden={{ ...hidden, superuser: String(!target.isSuperuser) }}
                submitLabel={target.isSuperuser ? "Remove superuser" : "Make superuser"}
                variant={target.isSuperuser ? "danger" : "secondary"}
                stepUp={stepUp}
                site={site}
              />
            </Card>
          )}
        </div>
      )}
    </div>
  );
}
