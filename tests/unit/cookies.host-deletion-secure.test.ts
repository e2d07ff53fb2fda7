import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it, vi } from "vitest";
import { ResponseCookies } from "next/dist/compiled/@edge-runtime/cookies";

/**
 * Issue 18.5: browsers drop a Set-Cookie for a __Host- name that lacks Secure, so a deletion sent
 * without it leaves the cookie in place. These checks run the helper against Next's own cookie
 * serialiser, and prove structurally that no code deletes a cookie any other way.
 */

const responseHeaders = new Headers();
vi.mock("next/headers", () => ({ cookies: async () => new ResponseCookies(responseHeaders) }));

const { deleteCookie, deletionSetCookie } = await import("@/lib/http/cookies");

const ROOT = path.resolve(import.meta.dirname, "../..");

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) return entry === "generated" ? [] : sources(full);
    return /\.(ts|tsx)$/.test(entry) ? [full] : [];
  });
}

describe("deleting a __Host- cookie", () => {
  it("through next/headers sends Secure, HttpOnly, Path=/ and SameSite", async () => {
    for (const name of [
      "__Host-lokdown_session",
      "__Host-lokdown_pending",
      "__Host-lokdown_admin_verify",
      "__Secure-authjs.session-token",
    ]) {
      await deleteCookie(name);
      const header = responseHeaders.getSetCookie().find((c) => c.startsWith(`${name}=`)) ?? "";
      expect(header, name).toMatch(/; Secure/i);
      expect(header).toMatch(/; HttpOnly/i);
      expect(header).toMatch(/; Path=\//i);
      expect(header).toMatch(/; SameSite=lax/i);
      expect(header).toMatch(/Expires=Thu, 01 Jan 1970|Max-Age=0/i);
    }
  });

  it("as a raw header carries the same attributes", () => {
    const header = deletionSetCookie("__Host-lokdown_session");
    expect(header).toMatch(/^__Host-lokdown_session=; /);
    // Attribute names and values compare case-insensitively (RFC 6265 §5.2).
    for (const attribute of ["Secure", "HttpOnly", "Path=/", "SameSite=Lax", "Max-Age=0"])
      expect(header.toLowerCase()).toContain(`; ${attribute.toLowerCase()}`);
  });

  it("(why the helper exists) Next's bare delete() sends no Secure", () => {
    const headers = new Headers();
    new ResponseCookies(headers).delete("__Host-lokdown_session");
    expect(headers.getSetCookie()[0]).not.toMatch(/Secure/i);
  });

  it("no code under app/ or lib/ deletes a cookie except through lib/http/cookies.ts", () => {
    const offenders: string[] = [];
    for (const file of [
      ...sources(path.join(ROOT, "app")),
      ...sources(path.join(ROOT, "lib")),
      path.join(ROOT, "proxy.ts"),
    ]) {
      if (file.endsWith(path.join("lib", "http", "cookies.ts"))) continue;
      const text = readFileSync(file, "utf8");
      // A bare delete on a cookie store, or a hand-written expiring Set-Cookie.
      if (/(cookies\(\)\)?|jar|\.cookies)\.delete\(/.test(text) || /Max-Age=0/i.test(text))
        offenders.push(path.relative(ROOT, file));
    }
    expect(offenders).toEqual([]);
  });
});
