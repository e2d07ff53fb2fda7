import { db } from "@/lib/db";
import { createUser } from "@/lib/auth/account/users";

export const PASSWORD = "correct horse battery staple";

let n = 0;
/** A test account; `emailVerified` marks its address confirmed (as the confirmation link would). */
export async function makeUser(
  options: { staff?: boolean; superuser?: boolean; username?: string; password?: string; emailVerified?: boolean } = {},
) {
  n += 1;
  const username = options.username ?? `user${n}-${Math.random().toString(36).slice(2, 8)}`;
  const created = await createUser({
    username,
    email: `${username}@example.com`,
    password: options.password ?? PASSWORD,
    isStaff: options.staff ?? false,
    isSuperuser: options.superuser ?? false,
  });
  if (!created.ok) throw new Error(`could not create test user: ${created.code}`);
  if (options.emailVerified)
    await db.user.update({ where: { id: created.value.id }, data: { emailVerifiedAt: new Date() } });
  return { ...created.value, password: options.password ?? PASSWORD };
}
