import "server-only";
import { randomBytes } from "node:crypto";
import { settings } from "@/lib/env";
import { db } from "@/lib/db";
import { recordSecurityEvent } from "../audit";
import { countUsers, createUser } from "../account/users";

/**
 * On first start with an empty database, create a staff superuser so the admin area can be reached:
 * ADMIN_USERNAME / ADMIN_PASSWORD when set, otherwise "admin" with a random password printed once.
 * Two instances starting together race on the unique username; the loser simply finds it exists.
 */
export async function ensureFirstAdmin(): Promise<void> {
  if ((await countUsers()) > 0) return;
  const username = settings.firstAdmin.username ?? "admin";
  const generated = !settings.firstAdmin.password;
  const password = settings.firstAdmin.password ?? randomBytes(12).toString("base64url");
  const email = settings.firstAdmin.email ?? `${username}@localhost.localdomain`;
  const created = await createUser({ username, email, password, isStaff: true, isSuperuser: true });
  if (!created.ok) {
    if (created.code !== "username_taken" && created.code !== "email_taken") {
      console.error(`[lokdown] could not create the first admin: ${created.message ?? created.code}`);
    }
    return;
  }
  const shown = generated ? password : "(from ADMIN_PASSWORD)";
  console.log(
    `\n[lokdown] created the first admin account\n  username: ${username}\n  password: ${shown}\n  Sign in at /login; you will be asked to set up two-factor authentication.\n`,
  );
}

/**
 * Databases from before the staff hierarchy (issue 18.6) have staff but no superuser, and then
 * nobody could manage staff: the earliest active staff account becomes the superuser, once.
 */
export async function ensureASuperuser(): Promise<void> {
  await db.$transaction(async (tx) => {
    // Serialises instances starting together, so exactly one promotes.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${0x6c6b_7375}::bigint)`;
    if ((await tx.user.count({ where: { isSuperuser: true, isStaff: true, isActive: true } })) > 0) return;
    const earliest = await tx.user.findFirst({
      where: { isStaff: true, isActive: true },
      orderBy: { id: "asc" },
      select: { id: true, username: true },
    });
    if (!earliest) return;
    await tx.user.update({ where: { id: earliest.id }, data: { isSuperuser: true } });
    await recordSecurityEvent({ type: "admin.superuser_granted", userId: earliest.id, details: { by: "upgrade" } }, tx);
    console.log(
      `[lokdown] "${earliest.username}" is now the superuser (the earliest active staff account): only superusers manage staff.`,
    );
  });
}
