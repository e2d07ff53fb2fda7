import { describe, expect, it } from "vitest";
import * as setupTotp from "@/app/api/auth/2fa/setup/totp/route";
import * as verify from "@/app/api/auth/verify/route";
import { decryptSecret } from "@/lib/auth/encryption";
import { normalizeBackupCode } from "@/lib/auth/two-factor/backup-codes";
import { sha256Hex } from "@/lib/auth/secrets";
import { db } from "@/lib/db";
import { call, newClient } from "../helpers/http";
import { makeUser } from "../helpers/users";
import {
  accessTokenFor,
  enrollStaffTotp,
  enrollTotp,
  freezeTime,
  startSecondFactorLogin,
  totpNow,
} from "../helpers/two-factor";

/** Every row of every table, as text. */
async function databaseText(): Promise<string> {
  const tables = await db.$queryRaw<
    { tablename: string }[]
  >`SELECT tablename FROM pg_tables WHERE schemaname = 'public'`;
  const parts: string[] = [];
  for (const { tablename } of tables) {
    const rows = await db.$queryRawUnsafe<{ t: string }[]>(`SELECT t::text AS t FROM "${tablename}" t`);
    parts.push(...rows.map((r) => r.t));
  }
  return parts.join("\n");
}

describe("secrets at rest", () => {
  it("no TOTP secret (active or pending) or backup code appears anywhere in the database", async () => {
    freezeTime();
    const user = await makeUser();
    const staff = await makeUser({ staff: true });
    const pendingUser = await makeUser();
    const enrolled = await enrollTotp(user);
    const staffEnrolled = await enrollStaffTotp(staff);
    const client = newClient();
    const pendingAccess = await accessTokenFor(pendingUser, client);
    const pending = await call(setupTotp.POST, "POST", "/api/auth/2fa/setup/totp", { client, token: pendingAccess });
    const pendingSecret = pending.json.secret as string;
    // Use one code and one backup code so that "used" rows exist too.
    const c2 = newClient();
    const s2 = await startSecondFactorLogin(user, c2);
    expect(
      (
        await call(verify.POST, "POST", "/api/auth/verify", {
          client: c2,
          body: { session_id: s2, totp_token: await totpNow(enrolled.secret) },
        })
      ).status,
    ).toBe(200);
    const c3 = newClient();
    const s3 = await startSecondFactorLogin(user, c3);
    expect(
      (
        await call(verify.POST, "POST", "/api/auth/verify", {
          client: c3,
          body: { session_id: s3, backup_code: enrolled.backupCodes[0] },
        })
      ).status,
    ).toBe(200);

    const text = await databaseText();
    // The scan does read the rows (a scan that saw nothing would prove nothing).
    expect(text).toContain(user.username);
    expect(text).toContain(
      (await db.totpDevice.findUniqueOrThrow({ where: { userId: user.id } })).secretEncrypted ?? "missing",
    );
    const secrets = [enrolled.secret, staffEnrolled.secret, pendingSecret];
    for (const secret of secrets) {
      expect(text).not.toContain(secret);
      expect(text.toLowerCase()).not.toContain(secret.toLowerCase());
      expect(text).not.toContain(Buffer.from(secret).toString("base64"));
    }
    const codes = [...enrolled.backupCodes, ...staffEnrolled.backupCodes];
    for (const code of codes) {
      expect(text.toUpperCase()).not.toContain(normalizeBackupCode(code));
      // Not an unkeyed hash either: a database dump must not be enough to test guesses.
      expect(text).not.toContain(sha256Hex(code));
    }
  });

  it("the stored TOTP secrets are AES-GCM values that decrypt to the enrolled secret", async () => {
    freezeTime();
    const user = await makeUser();
    const enrolled = await enrollTotp(user);
    const device = await db.totpDevice.findUniqueOrThrow({ where: { userId: user.id } });
    expect(device.secretEncrypted).toMatch(/^v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(decryptSecret(device.secretEncrypted ?? "")).toBe(enrolled.secret);
    expect(device.pendingSecretEncrypted).toBeNull();

    const other = await makeUser();
    const client = newClient();
    const access = await accessTokenFor(other, client);
    const pending = await call(setupTotp.POST, "POST", "/api/auth/2fa/setup/totp", { client, token: access });
    const row = await db.totpDevice.findUniqueOrThrow({ where: { userId: other.id } });
    expect(row.secretEncrypted).toBeNull();
    expect(decryptSecret(row.pendingSecretEncrypted ?? "")).toBe(pending.json.secret);
  });

  it("backup codes are stored one hashed row per code", async () => {
    freezeTime();
    const user = await makeUser();
    const enrolled = await enrollTotp(user);
    const rows = await db.backupCode.findMany({ where: { userId: user.id } });
    expect(rows).toHaveLength(enrolled.backupCodes.length);
    expect(new Set(rows.map((r) => r.codeHash)).size).toBe(rows.length);
    for (const row of rows) {
      expect(row.codeHash).toMatch(/^[0-9a-f]{64}$/);
      expect(enrolled.backupCodes).not.toContain(row.codeHash);
    }
  });
});
