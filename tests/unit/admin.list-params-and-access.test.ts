import { describe, expect, it, vi } from "vitest";
import { adminPath, decideStaffAccess } from "@/lib/auth/admin/guard";
import {
  describeDaysSince,
  listQueryParams,
  parseListQuery,
  selectedIntIds,
  selectedUuids,
} from "@/lib/auth/admin/listing";
import { bucketStarts, parseDashboardWindow } from "@/lib/auth/admin/dashboard";
import { niceScale } from "@/components/admin/charts/scale";
import type { WebUser } from "@/lib/auth/sessions/web-session";

vi.mock("next/headers", () => ({
  cookies: async () => ({ get: () => undefined }),
  headers: async () => new Headers(),
}));

const spec = {
  sorts: ["created", "username"],
  defaultSort: "created",
  defaultDir: "desc",
  filters: { role: ["staff", "regular"], status: ["active"] },
} as const;

describe("list state from search params", () => {
  it("keeps only declared sorts, filters and page sizes", () => {
    const q = parseListQuery(
      {
        q: "  alice\u0000 ",
        sort: "password_hash",
        dir: "sideways",
        page: "-3",
        per_page: "5000",
        role: "root",
        status: "active",
        extra: "x",
      },
      spec,
    );
    expect(q).toEqual({
      q: "alice",
      sort: "created",
      dir: "desc",
      page: 1,
      perPage: 25,
      filters: { role: "", status: "active" },
    });
  });

  it("reads arrays and URLSearchParams alike", () => {
    expect(parseListQuery({ sort: ["username", "created"], page: ["3"] }, spec)).toMatchObject({
      sort: "username",
      dir: "asc",
      page: 3,
    });
    expect(parseListQuery(new URLSearchParams("sort=username&dir=desc&per_page=100"), spec)).toMatchObject({
      sort: "username",
      dir: "desc",
      perPage: 100,
    });
  });

  it("caps the search text and writes back only non-default state", () => {
    expect(parseListQuery({ q: "x".repeat(500) }, spec).q).toHaveLength(100);
    const q = parseListQuery({ q: "bob", role: "staff", sort: "username", dir: "asc", page: "2" }, spec);
    expect(listQueryParams(q, spec).toString()).toBe("q=bob&role=staff&sort=username&dir=asc&page=2");
    expect(listQueryParams(parseListQuery({}, spec), spec).toString()).toBe("");
  });

  it("accepts only well-formed selected ids", () => {
    expect(selectedIntIds(["1", "2", "2", "0", "-1", "1.5", "abc", "9007199254740993"])).toEqual([1, 2]);
    expect(
      selectedUuids(["1f0e4b2a-0c1d-4e5f-8a9b-0c1d2e3f4a5b", "1F0E4B2A-0C1D-4E5F-8A9B-0C1D2E3F4A5B", "'; drop table"]),
    ).toEqual(["1f0e4b2a-0c1d-4e5f-8a9b-0c1d2e3f4a5b"]);
  });

  it("words days since use like django-lokdown", () => {
    expect([null, 0, 1, 42].map(describeDaysSince)).toEqual(["Never used", "Today", "Yesterday", "42 days ago"]);
  });
});

describe("admin access decision", () => {
  const user = (isStaff: boolean, amr: string[]): WebUser => ({
    id: 1,
    username: "u",
    email: "u@example.com",
    isStaff,
    sessionId: "s",
    amr,
    reauthAt: new Date(),
    assurance: amr.includes("mfa") ? "aal2" : "aal1",
  });

  it("is staff plus a second factor in this session, unless ADMIN_2FA_REQUIRED is off", () => {
    expect(decideStaffAccess(null, true).kind).toBe("signed_out");
    expect(decideStaffAccess(user(false, ["pwd", "otp", "mfa"]), true).kind).toBe("not_staff");
    expect(decideStaffAccess(user(true, ["pwd"]), true).kind).toBe("needs_second_factor");
    // A trusted browser or a federated sign-in is not a second factor.
    expect(decideStaffAccess(user(true, ["fed", "tdv"]), true).kind).toBe("needs_second_factor");
    expect(decideStaffAccess(user(true, ["pwd", "otp", "mfa"]), true).kind).toBe("allowed");
    expect(decideStaffAccess(user(true, ["pwd"]), false).kind).toBe("allowed");
    expect(decideStaffAccess(user(false, ["pwd"]), false).kind).toBe("not_staff");
  });

  it("returns only to paths inside the admin area", () => {
    expect(adminPath("/admin/users?q=a")).toBe("/admin/users?q=a");
    expect(adminPath("/admin")).toBe("/admin");
    for (const bad of [
      "/administrator",
      "https://evil.example/admin",
      "//evil.example/admin",
      "/\\evil",
      "/account",
      "",
      42,
    ])
      expect(adminPath(bad)).toBe("/admin");
  });
});

describe("dashboard windows and chart axes", () => {
  it("parses the window and lays out UTC buckets ending with the current one", () => {
    expect(parseDashboardWindow("90d")).toBe("90d");
    expect(parseDashboardWindow("1y")).toBe("7d");
    const now = new Date(Date.UTC(2030, 0, 10, 15, 30));
    const days = bucketStarts(now, 7, 86_400_000);
    expect(days.map((d) => d.toISOString().slice(0, 10))).toEqual([
      "2030-01-04",
      "2030-01-05",
      "2030-01-06",
      "2030-01-07",
      "2030-01-08",
      "2030-01-09",
      "2030-01-10",
    ]);
    const hours = bucketStarts(now, 24, 3_600_000);
    expect(hours[0]?.toISOString()).toBe("2030-01-09T16:00:00.000Z");
    expect(hours[23]?.toISOString()).toBe("2030-01-10T15:00:00.000Z");
  });

  it("picks whole-number axes that cover the data", () => {
    expect(niceScale(0)).toEqual({ top: 1, ticks: [0, 1] });
    expect(niceScale(3)).toEqual({ top: 3, ticks: [0, 1, 2, 3] });
    expect(niceScale(10)).toEqual({ top: 10, ticks: [0, 5, 10] });
    expect(niceScale(11).top).toBeGreaterThanOrEqual(11);
    for (const max of [1, 7, 19, 101, 999, 12345]) {
      const { top, ticks } = niceScale(max);
      expect(top).toBeGreaterThanOrEqual(max);
      expect(ticks.length).toBeLessThanOrEqual(7);
      expect(ticks.every(Number.isInteger)).toBe(true);
    }
  });
});
