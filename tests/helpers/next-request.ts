/**
 * Stand-ins for next/headers, next/navigation and next/cache, so that pages and server actions
 * can be called in-process: one cookie jar and one set of request headers per test, and
 * redirect()/notFound() throwing errors the test can assert on (as Next's own do).
 * Each test file mocks the modules with:
 *   vi.mock("next/headers", () => import("../helpers/next-request").then((m) => m.nextHeaders));
 */
import { PEER_HEADER } from "@/lib/auth/request/client";
import type { Client } from "./http";

export class RedirectError extends Error {
  constructor(readonly url: string) {
    super(`NEXT_REDIRECT ${url}`);
  }
}

export class NotFoundError extends Error {
  constructor() {
    super("NEXT_HTTP_ERROR_FALLBACK;404");
  }
}

type CookieOptions = {
  expires?: Date;
  maxAge?: number;
  path?: string;
  httpOnly?: boolean;
  secure?: boolean;
  sameSite?: string;
};
type StoredCookie = { value: string; options: CookieOptions };

/** Every cookie write of the request: a deletion is a write with Max-Age 0 or an expiry in the past (as Next sends it). */
export type CookieWrite = { name: string; kind: "set" | "delete"; options: CookieOptions };

const state = { cookies: new Map<string, StoredCookie>(), headers: new Headers(), writes: [] as CookieWrite[] };

const isDeletion = (o: CookieOptions): boolean =>
  o.maxAge === 0 || (o.expires !== undefined && o.expires.getTime() <= Date.now());

/** The cookie writes since the request started (newRequest). */
export function cookieWrites(): CookieWrite[] {
  return [...state.writes];
}

/** Starts a fresh request context: no cookies, this client's address and user agent. */
export function newRequest(client: Client): void {
  state.cookies.clear();
  state.writes = [];
  state.headers = new Headers({ [PEER_HEADER]: client.ip ?? "", "user-agent": client.userAgent });
}

export function setCookie(name: string, value: string): void {
  state.cookies.set(name, { value, options: {} });
}

export function getCookie(name: string): string | undefined {
  return state.cookies.get(name)?.value;
}

export function cookieNames(): string[] {
  return [...state.cookies.keys()];
}

const jar = {
  get(name: string) {
    const c = state.cookies.get(name);
    return c ? { name, value: c.value } : undefined;
  },
  getAll() {
    return [...state.cookies.entries()].map(([name, c]) => ({ name, value: c.value }));
  },
  has(name: string) {
    return state.cookies.has(name);
  },
  set(
    nameOrCookie: string | ({ name: string; value: string } & CookieOptions),
    value?: string,
    options: CookieOptions = {},
  ) {
    const cookie =
      typeof nameOrCookie === "string"
        ? { name: nameOrCookie, value: value ?? "", options }
        : { name: nameOrCookie.name, value: nameOrCookie.value, options: nameOrCookie };
    const deleting = isDeletion(cookie.options);
    state.writes.push({ name: cookie.name, kind: deleting ? "delete" : "set", options: cookie.options });
    if (deleting) state.cookies.delete(cookie.name);
    else state.cookies.set(cookie.name, { value: cookie.value, options: cookie.options });
    return jar;
  },
  /** Next's own delete sends only the name and an old expiry: no Secure, no Path (recorded as such). */
  delete(name: string) {
    state.writes.push({ name, kind: "delete", options: {} });
    state.cookies.delete(name);
    return jar;
  },
};

export const nextHeaders = {
  cookies: async () => jar,
  headers: async () => state.headers,
  draftMode: async () => ({ isEnabled: false }),
};

export const nextNavigation = {
  redirect(url: string): never {
    throw new RedirectError(url);
  },
  permanentRedirect(url: string): never {
    throw new RedirectError(url);
  },
  notFound(): never {
    throw new NotFoundError();
  },
  usePathname: () => "/",
  useRouter: () => ({ push() {}, replace() {}, refresh() {} }),
  useSearchParams: () => new URLSearchParams(),
  RedirectType: { push: "push", replace: "replace" },
};

export const nextCache = {
  revalidatePath() {},
  revalidateTag() {},
  unstable_cache: <T>(fn: T) => fn,
};

/** Runs a page, action or route call and reports how it ended. */
export async function outcome(
  run: () => Promise<unknown>,
): Promise<{ kind: "redirect"; url: string } | { kind: "not_found" } | { kind: "returned"; value: unknown }> {
  try {
    return { kind: "returned", value: await run() };
  } catch (error) {
    if (error instanceof RedirectError) return { kind: "redirect", url: error.url };
    if (error instanceof NotFoundError) return { kind: "not_found" };
    throw error;
  }
}
