import { createUser } from "@/lib/auth/users";

export const PASSWORD = "correct horse battery staple";

let n = 0;
export async function makeUser(options: { staff?: boolean; superuser?: boolean; username?: string; password?: string } = {}) {
  n += 1;
  const username = options.username ?? `user${n}-${Math.random().toString(36).slice(2, 8)}`;
  const created = await createUser({ username, email: `${username}@example.com`, password: options.password ?? PASSWORD, isStaff: options.staff ?? false, isSuperuser: options.superuser ?? false });
  if (!created.ok) throw new Error(`could not create test user: ${created.code}`);
  return { ...created.value, password: options.password ?? PASSWORD };
}
