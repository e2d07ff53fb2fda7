import { settings } from "@/lib/env";
import { createUser, hasActiveSuperuser } from "@/lib/auth/account/users";
import { EXIT, type CliIO, type ExitCode } from "./cli";

/** Creates a staff account; every refusal (weak password, taken name, bad e-mail) is explained. */
export async function createAdminCommand(
  input: { username: string; email: string; password: string; superuser?: boolean },
  io: CliIO,
): Promise<ExitCode> {
  // The first admin made here is a superuser: without one nobody could manage staff.
  const isSuperuser = Boolean(input.superuser) || !(await hasActiveSuperuser());
  const { superuser: _flag, ...fields } = input;
  const created = await createUser({ ...fields, isStaff: true, isSuperuser }, { ip: null, userAgent: "create-admin" });
  if (!created.ok) {
    const fields = Object.entries(created.body ?? {});
    if (fields.length === 0) io.stderr.write(`create-admin: ${created.message ?? created.code}\n`);
    else io.stderr.write("create-admin: the account was not created:\n");
    for (const [field, messages] of fields) {
      for (const message of Array.isArray(messages) ? messages : [messages])
        io.stderr.write(`  ${field}: ${String(message)}\n`);
    }
    return EXIT.failure;
  }
  const user = created.value;
  io.stdout.write(
    `Created staff ${isSuperuser ? "superuser" : "user"} "${user.username}" (id ${user.id}, ${user.email}).\n`,
  );
  io.stdout.write(
    settings.admin2faRequired
      ? "Sign in at /login: you will be asked to set up two-factor authentication (ADMIN_2FA_REQUIRED).\n"
      : "Sign in at /login.\n",
  );
  return EXIT.ok;
}
