import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

/**
 * Structural: every route handler and server action that reaches a write to a factor, key,
 * session, password, e-mail or another user's record goes through the policy (lib/auth/policy/assurance-policy.ts,
 * via `authorize` or `requirePolicy`) on the way, unless the function it calls is named below with
 * the reason it is not a policy action (signing in is how a session is made, and so on).
 *
 * How: lib/auth is parsed; a function "writes" when it calls a Prisma write on a sensitive model
 * (or calls a function that does); it is "guarded" when it calls the policy itself, or when it
 * writes nothing directly and every writer it calls is guarded. Then every lib/auth function that
 * an app/ route or "use server" file calls is checked.
 */

const SENSITIVE_MODELS = [
  "user",
  "authSession",
  "refreshToken",
  "totpDevice",
  "passkeyCredential",
  "backupCode",
  "apiKey",
  "trustedDevice",
  "oAuthAccount",
  "oAuthProvider",
  "emailChangeRequest",
  "loginSession",
];
const WRITE = new RegExp(
  `\\.(${SENSITIVE_MODELS.join("|")})\\.(create|createMany|createManyAndReturn|update|updateMany|updateManyAndReturn|upsert|delete|deleteMany)\\(`,
);
const POLICY_CALL = /\b(authorize|requirePolicy)\(/;
const POLICY_FUNCTIONS = new Set(["authorize", "requirePolicy"]);

/** Bookkeeping writes on every use of a credential: not a change of what the credential can do. */
const BOOKKEEPING = new Set(["keepSessionAlive", "authenticateApiKey"]);

/** Lib functions app/ may call that write without the policy, and why that is right. */
const NOT_POLICY_ACTIONS: Record<string, string> = {
  signInWithPassword: "the password step of sign-in (its own rate limits and uniform failures)",
  signInWithPasskey: "passwordless sign-in",
  endApiSession: "signing out the calling API session",
  reauthenticate: "the step-up proof itself: it records the proved factor on the calling session",
  secureAccountWithLink:
    'the e-mailed "this wasn\'t me" link: its single-use token is the proof, and it only locks the account down',
  beginAdminPasskeyVerification: "admin verification step: a pending login bound to this browser, no access granted",
  beginAdminPasskeyEnrollment: "admin verification: first factor only while the account has none",
  completePendingLogin: "the second-factor step of sign-in",
  rotateRefreshToken: "refresh-token rotation of the caller's own family",
  endWebSession: "signing out the calling browser",
  registerUser: "registration creates an account, guarded by its own rules",
  finishOAuthSignIn: "provider sign-in",
  // Staff first login under ADMIN_2FA_REQUIRED and the admin verification step: they add the first
  // factor during a pending login, allowed only while the account has none (W1/W2).
  confirmLoginTotpSetup: "first factor during a pending staff login, only while the account has none",
  confirmLoginPasskeySetup: "first factor during a pending staff login, only while the account has none",
  beginLoginTotpSetup: "first factor during a pending staff login, only while the account has none",
  upgradeSessionWithSecondFactor: "the admin verification step proves a factor and replaces the session",
  confirmAdminTotpEnrollment: "admin verification: first factor only while the account has none",
  confirmAdminPasskeyEnrollment: "admin verification: first factor only while the account has none",
  beginAdminTotpEnrollment: "admin verification: first factor only while the account has none",
  // Links from e-mails: the token in the link is the proof.
  resetPassword: "password reset by an e-mailed single-use token",
  confirmEmailChange: "the e-mailed confirmation of a change the policy allowed",
  // Harmless to the owner: only narrows or renames.
  cancelEmailChange: "cancels the caller's own pending change",
  renameUserPasskey: "renames a passkey; no access changes",
  cancelPendingLogin: "abandons the caller's own unfinished sign-in (the pending-login cookie is the proof)",
  confirmEmailVerification:
    "the e-mailed sign-up confirmation: its single-use token is the proof, and it only records that the address is owned",
  applyCleanupExclusive: "scheduled cleanup of expired rows, behind the cron secret; it ends nothing still valid",
};

type Fn = { name: string; file: string; writes: boolean; callsPolicy: boolean; calls: Set<string> };

function walk(dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[])
    .map((f) => path.join(dir, f))
    .filter((f) => /\.(ts|tsx)$/.test(f));
}

function functionsOf(file: string): Fn[] {
  const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
  const out: Fn[] = [];
  const add = (name: string, body: ts.Node) => {
    const text = body.getText(source);
    const calls = new Set<string>();
    const visit = (node: ts.Node) => {
      if (ts.isCallExpression(node)) {
        const callee = node.expression;
        if (ts.isIdentifier(callee)) calls.add(callee.text);
        else if (ts.isPropertyAccessExpression(callee)) calls.add(callee.name.text);
      }
      ts.forEachChild(node, visit);
    };
    visit(body);
    out.push({ name, file, writes: WRITE.test(text), callsPolicy: POLICY_CALL.test(text), calls });
  };
  source.forEachChild((node) => {
    if (ts.isFunctionDeclaration(node) && node.name && node.body) add(node.name.text, node.body);
    if (ts.isVariableStatement(node)) {
      // Arrow functions, and wrapped handlers such as `export const POST = route(async (request) => …)`.
      for (const d of node.declarationList.declarations) {
        if (!d.initializer) continue;
        if (ts.isIdentifier(d.name)) add(d.name.text, d.initializer);
        else if (ts.isCallExpression(d.initializer)) {
          // `export const { GET, POST, … } = apiRoute({ GET: endpoint(…), POST: endpoint(…) })`: each method on its own.
          const methods = d.initializer.arguments
            .filter(ts.isObjectLiteralExpression)
            .flatMap((o) => o.properties.filter(ts.isPropertyAssignment));
          for (const method of methods) add(method.name.getText(source), method.initializer);
          if (methods.length === 0) add(d.name.getText(source), d.initializer);
        }
      }
    }
  });
  return out;
}

const lib = walk(path.resolve("lib/auth")).flatMap(functionsOf);
const byName = new Map<string, Fn[]>();
for (const fn of lib) byName.set(fn.name, [...(byName.get(fn.name) ?? []), fn]);

/** Writes directly or through any lib/auth function it calls (by name, to a fixpoint). */
const writer = new Set(lib.filter((f) => f.writes && !BOOKKEEPING.has(f.name)).map((f) => f.name));
for (let changed = true; changed; ) {
  changed = false;
  for (const fn of lib) {
    // The policy's own writes (a step-up proof recorded on the session) do not make its callers writers.
    if (
      !writer.has(fn.name) &&
      !BOOKKEEPING.has(fn.name) &&
      [...fn.calls].some((c) => c !== fn.name && !POLICY_FUNCTIONS.has(c) && writer.has(c))
    ) {
      writer.add(fn.name);
      changed = true;
    }
  }
}

/** Gates: functions that ask the policy and write nothing themselves (e.g. the admin's checkTarget). */
const gate = new Set(lib.filter((f) => f.callsPolicy && !writer.has(f.name)).map((f) => f.name));

/** Asks the policy itself (directly or through a gate), or only delegates its writes to functions that do. */
const guarded = new Set(lib.filter((f) => f.callsPolicy || [...f.calls].some((c) => gate.has(c))).map((f) => f.name));
for (let changed = true; changed; ) {
  changed = false;
  for (const fn of lib) {
    if (guarded.has(fn.name) || fn.writes) continue;
    const writers = [...fn.calls].filter((c) => c !== fn.name && writer.has(c));
    if (writers.length > 0 && writers.every((c) => guarded.has(c))) {
      guarded.add(fn.name);
      changed = true;
    }
  }
}

/** Route handlers and server actions, and the lib/auth functions each calls. */
function entryPoints(): { file: string; calls: string[] }[] {
  const files = walk(path.resolve("app")).filter(
    (f) => /(^|\/)route\.ts$/.test(f) || /^\s*["']use server["']/.test(readFileSync(f, "utf8")),
  );
  return files.map((file) => {
    const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
    const imported = new Set<string>();
    source.forEachChild((node) => {
      if (
        ts.isImportDeclaration(node) &&
        ts.isStringLiteral(node.moduleSpecifier) &&
        node.moduleSpecifier.text.startsWith("@/lib/auth")
      ) {
        const bindings = node.importClause?.namedBindings;
        if (bindings && ts.isNamedImports(bindings))
          for (const el of bindings.elements) if (!el.isTypeOnly) imported.add(el.name.text);
      }
    });
    // A handler or action that asks the policy itself may call what it then allows.
    const calls = functionsOf(file)
      .filter((f) => !f.callsPolicy)
      .flatMap((f) => [...f.calls])
      .filter((name) => imported.has(name));
    return { file: path.relative(process.cwd(), file), calls: [...new Set(calls)] };
  });
}

describe("every sensitive write from app/ goes through the policy", () => {
  const entries = entryPoints();

  it("finds the route handlers, the server actions and the writers it is about", () => {
    expect(entries.length).toBeGreaterThan(50);
    for (const name of [
      "disableTwoFactor",
      "regenerateBackupCodes",
      "revokeUserApiKey",
      "changePassword",
      "removeUserPasskey",
      "revokeOtherSessions",
    ])
      expect(writer.has(name), name).toBe(true);
    for (const name of [
      "revokeUserApiKey",
      "changePassword",
      "removeUserPasskey",
      "revokeOtherSessions",
      "enableTotp",
      "registerPasskey",
    ])
      expect(guarded.has(name), name).toBe(true);
  });

  it("no route or action calls a writing lib/auth function that skips the policy", () => {
    const unguarded = entries.flatMap((e) =>
      e.calls
        .filter((name) => writer.has(name) && !guarded.has(name) && !(name in NOT_POLICY_ACTIONS))
        .map((name) => `${e.file} → ${name}`),
    );
    expect(unguarded).toEqual([]);
  });

  it("every exemption names a writer that app/ still calls (no stale entries)", () => {
    const used = new Set(entries.flatMap((e) => e.calls));
    const stale = Object.keys(NOT_POLICY_ACTIONS).filter(
      (name) => !(writer.has(name) && !guarded.has(name) && used.has(name)),
    );
    expect(stale).toEqual([]);
  });

  it("app/ itself never writes: it has no database access to go around the policy with", () => {
    const direct = walk(path.resolve("app")).filter((f) =>
      /from ["']@\/lib\/(db|generated)/.test(readFileSync(f, "utf8")),
    );
    expect(direct).toEqual([]);
  });
});
