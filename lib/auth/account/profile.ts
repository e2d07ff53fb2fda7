import "server-only";
import { db } from "@/lib/db";

export type Profile = {
  id: number;
  username: string;
  email: string;
  is_staff: boolean;
  date_joined: string;
  last_login: string | null;
};

export async function getProfile(userId: number): Promise<Profile> {
  const user = await db.user.findUniqueOrThrow({
    where: { id: userId },
    select: { id: true, username: true, email: true, isStaff: true, createdAt: true, lastLoginAt: true },
  });
  return {
    id: user.id,
    username: user.username,
    email: user.email,
    is_staff: user.isStaff,
    date_joined: user.createdAt.toISOString(),
    last_login: user.lastLoginAt?.toISOString() ?? null,
  };
}
