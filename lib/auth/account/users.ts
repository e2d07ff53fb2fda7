import "server-only";
import { db } from "@/lib/db";
import { Prisma } from "@/lib/generated/prisma/client";
import { fail, ok, type Result } from "../errors";
import { hashPassword, checkPasswordStrength, PASSWORD_PROBLEMS } from "../password/password";
import { randomToken } from "../secrets";
import { recordSecurityEvent } from "../audit";
import type { ClientInfo } from "../request/client";

export const USERNAME_PATTERN = /^[a-z0-9_.+-]{3,150}$/;
const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** isSuperuser applies to staff only (a superuser manages staff). */
export type NewUser = { username: string; email: string; password: string; isStaff?: boolean; isSuperuser?: boolean };
export type CreatedUser = { id: number; username: string; email: string; isStaff: boolean };

/** Field-level problems in DRF's shape, or null when the input is acceptable. */
export function validateNewUser(input: NewUser): Record<string, string[]> | null {
  const problems: Record<string, string[]> = {};
  const username = input.username.trim().toLowerCase();
  if (!USERNAME_PATTERN.test(username)) {
    problems.username = ["Enter a valid username: 3-150 letters, digits and . + - _ only."];
  }
  if (!EMAIL_PATTERN.test(input.email.trim()) || input.email.length > 254)
    problems.email = ["Enter a valid email address."];
  const weak = checkPasswordStrength(input.password, username);
  if (weak.length > 0) problems.password = weak.map((p) => PASSWORD_PROBLEMS[p]);
  return Object.keys(problems).length > 0 ? problems : null;
}

/** Creates an account. Uniqueness is enforced by the database, so two racing sign-ups cannot both win. */
export async function createUser(input: NewUser, client?: ClientInfo): Promise<Result<CreatedUser>> {
  const problems = validateNewUser(input);
  if (problems) {
    const [field, messages] = Object.entries(problems)[0] ?? ["username", ["Invalid"]];
    return fail(field === "password" ? "weak_password" : "validation_error", {
      message: `${field}: ${messages[0]}`,
      body: problems,
    });
  }
  const username = input.username.trim().toLowerCase();
  const email = input.email.trim().toLowerCase();
  try {
    const user = await db.user.create({
      data: {
        username,
        email,
        passwordHash: await hashPassword(input.password),
        isStaff: input.isStaff ?? false,
        isSuperuser: Boolean(input.isStaff && input.isSuperuser),
        webauthnUserHandle: randomToken(32),
      },
      select: { id: true, username: true, email: true, isStaff: true },
    });
    await recordSecurityEvent({
      type: input.isStaff ? "admin.created" : "signup",
      userId: user.id,
      client,
      details: input.isStaff && input.isSuperuser ? { superuser: true } : {},
    });
    return ok(user);
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
      const target = JSON.stringify(error.meta ?? {});
      return target.includes("email")
        ? fail("email_taken", { body: { email: ["A user with that email already exists."] } })
        : fail("username_taken", { body: { username: ["A user with that username already exists."] } });
    }
    throw error;
  }
}

export async function countUsers(): Promise<number> {
  return db.user.count();
}

/** Whether any active staff account is a superuser (the CLI makes the first admin one). */
export async function hasActiveSuperuser(): Promise<boolean> {
  return (await db.user.count({ where: { isSuperuser: true, isStaff: true, isActive: true } })) > 0;
}
