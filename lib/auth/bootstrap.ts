import "server-only";
import { randomBytes } from "node:crypto";
import { settings } from "@/lib/env";
import { countUsers, createUser } from "./users";

/**
 * On first start with an empty database, create a staff account so the admin area can be reached:
 * ADMIN_USERNAME / ADMIN_PASSWORD when set, otherwise "admin" with a random password printed once.
 * Two instances starting together race on the unique username; the loser simply finds it exists.
 */
export async function ensureFirstAdmin(): Promise<void> {
  if ((await countUsers()) > 0) return;
  const username = settings.firstAdmin.username ?? "admin";
  const generated = !settings.firstAdmin.password;
  const password = settings.firstAdmin.password ?? randomBytes(12).toString("base64url");
  const email = settings.firstAdmin.email ?? `${username}@localhost.localdomain`;
  const created = await createUser({ username, email, password, isStaff: true });
  if (!created.ok) {
    if (created.code !== "username_taken" && created.code !== "email_taken") {
      console.error(`[lokdown] could not create the first admin: ${created.message ?? created.code}`);
    }
    return;
  }
  const shown = generated ? password : "(from ADMIN_PASSWORD)";
  console.log(`\n[lokdown] created the first admin account\n  username: ${username}\n  password: ${shown}\n  Sign in at /login; you will be asked to set up two-factor authentication.\n`);
}
