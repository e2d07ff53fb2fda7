import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { verifyPassword } from "@/lib/auth/password/password";
import { UsageError } from "@/scripts/lib/cli";
import { parseCreateAdminArgs, resolvePassword } from "@/scripts/lib/create-admin-args";
import { createAdminCommand } from "@/scripts/lib/create-admin-command";

function capture() {
  const chunks: string[] = [];
  return { stream: { write: (s: string) => chunks.push(s) }, text: () => chunks.join("") };
}

/** The script's steps, in order, with the terminal replaced by `answers`. */
async function run(argv: string[], source: { answers?: string[]; piped?: string } = {}) {
  const out = capture();
  const err = capture();
  const options = parseCreateAdminArgs(argv);
  const answers = [...(source.answers ?? [])];
  const password = await resolvePassword(options, {
    stderr: err.stream,
    promptHidden: source.answers ? async () => answers.shift() ?? "" : undefined,
    readPiped: async () => source.piped ?? "",
  });
  const code = await createAdminCommand(
    { username: options.username, email: options.email, password, superuser: options.superuser },
    { stdout: out.stream, stderr: err.stream },
  );
  return { code, out: out.text(), err: err.text() };
}

describe("create-admin", () => {
  it("creates a staff account with the prompted password (asked twice)", async () => {
    const result = await run(["--username", "Root.Admin", "--email", "Root@Example.com"], {
      answers: ["a long and unusual pass", "a long and unusual pass"],
    });
    expect(result.code).toBe(0);
    // The first admin is a superuser (issue 18.6): without one nobody could manage staff.
    expect(result.out).toContain('Created staff superuser "root.admin"');
    const user = await db.user.findUniqueOrThrow({ where: { username: "root.admin" } });
    expect(user).toMatchObject({ email: "root@example.com", isStaff: true, isSuperuser: true, isActive: true });
    expect(await verifyPassword("a long and unusual pass", user.passwordHash ?? "")).toBe(true);
    expect(await db.securityEvent.count({ where: { type: "admin.created", userId: user.id } })).toBe(1);
  });

  it("makes later admins plain staff unless --superuser is given", async () => {
    const pass = { answers: ["a long and unusual pass", "a long and unusual pass"] };
    expect((await run(["--username", "first.admin", "--email", "first@example.com"], pass)).code).toBe(0);
    expect(
      (await run(["--username", "second.admin", "--email", "second@example.com"], { answers: [...pass.answers] })).out,
    ).toContain('Created staff user "second.admin"');
    expect(
      (
        await run(["--username", "third.admin", "--email", "third@example.com", "--superuser"], {
          answers: [...pass.answers],
        })
      ).out,
    ).toContain('Created staff superuser "third.admin"');
    const roles = await db.user.findMany({
      orderBy: { id: "asc" },
      select: { username: true, isStaff: true, isSuperuser: true },
    });
    expect(roles).toEqual([
      { username: "first.admin", isStaff: true, isSuperuser: true },
      { username: "second.admin", isStaff: true, isSuperuser: false },
      { username: "third.admin", isStaff: true, isSuperuser: true },
    ]);
  });

  it("refuses weak passwords and creates nothing", async () => {
    for (const weak of ["short", "password123", "opsadmin-1"]) {
      const result = await run(["--username", "opsadmin", "--email", "ops@example.com", "--password", weak]);
      expect(result.code).toBe(1);
      expect(result.err).toMatch(/password: /);
    }
    expect(await db.user.count()).toBe(0);
  });

  it("refuses a taken username", async () => {
    expect(
      (await run(["--username", "ops1", "--email", "ops1@example.com", "--password", "a long and unusual pass"])).code,
    ).toBe(0);
    const again = await run([
      "--username",
      "ops1",
      "--email",
      "other@example.com",
      "--password",
      "a long and unusual pass",
    ]);
    expect(again.code).toBe(1);
    expect(again.err).toContain("username: A user with that username already exists.");
    expect(await db.user.count()).toBe(1);
  });

  it("reads the first line of piped input when there is no terminal", async () => {
    const result = await run(["--username", "piped", "--email", "piped@example.com"], {
      piped: "a long and unusual pass\nignored\n",
    });
    expect(result.code).toBe(0);
    const user = await db.user.findUniqueOrThrow({ where: { username: "piped" } });
    expect(await verifyPassword("a long and unusual pass", user.passwordHash ?? "")).toBe(true);
  });

  it("is a usage error when the prompts differ, nothing is piped, or a flag is missing", async () => {
    await expect(
      run(["--username", "x1x", "--email", "x@example.com"], {
        answers: ["one long password", "another long password"],
      }),
    ).rejects.toThrow(UsageError);
    await expect(run(["--username", "x1x", "--email", "x@example.com"], { piped: "" })).rejects.toThrow(/no password/);
    expect(() => parseCreateAdminArgs(["--email", "x@example.com"])).toThrow(/--username is required/);
    expect(() => parseCreateAdminArgs(["--username", "x1x", "--email", "x@example.com", "--staff"])).toThrow(
      UsageError,
    );
    expect(await db.user.count()).toBe(0);
  });
});
