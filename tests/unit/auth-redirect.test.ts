import { describe, expect, it } from "vitest";
import { safeRedirect, withRedirectTo } from "~/modules/auth/redirect";

describe("safeRedirect", () => {
  it("keeps same-site paths with query and hash", () => {
    expect(safeRedirect("/t/acme/members?page=2#x")).toBe("/t/acme/members?page=2#x");
    expect(safeRedirect("/profile", "/home")).toBe("/profile");
  });

  it.each([
    ["https://evil.example/"],
    ["//evil.example/path"],
    ["/\\evil.example"],
    ["\\\\evil.example"],
    ["javascript:alert(1)"],
    ["/foo\nSet-Cookie: x=1"],
    ["evil.example"],
    [""],
  ])("refuses %j", (target) => {
    expect(safeRedirect(target, "/fallback")).toBe("/fallback");
  });

  it("handles missing values and form entries", () => {
    expect(safeRedirect(null)).toBe("/");
    expect(safeRedirect(undefined, "/x")).toBe("/x");
  });

  it("adds redirectTo only when useful", () => {
    expect(withRedirectTo("/login/2fa", "/profile")).toBe("/login/2fa?redirectTo=%2Fprofile");
    expect(withRedirectTo("/login/2fa", "/")).toBe("/login/2fa");
    expect(withRedirectTo("/login/2fa", "https://evil.example")).toBe("/login/2fa");
    expect(withRedirectTo("/login?x=1", "/a")).toBe("/login?x=1&redirectTo=%2Fa");
  });
});
