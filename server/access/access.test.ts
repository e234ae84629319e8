import { describe, expect, it } from "vitest";
import { safeRedirectPath } from "./access";

describe("safeRedirectPath: where to go after login, the two-step code or consent", () => {
  it.each(["/patient", "/diary/new?capture=1", "/sessions/abc#board", "/a/../patient"])("keeps the path %j on this app", (path) => {
    expect(safeRedirectPath(path, "/home")).toBe(new URL(path, "https://x.invalid").pathname + new URL(path, "https://x.invalid").search + new URL(path, "https://x.invalid").hash);
  });

  it.each([
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r\n/evil.example",
    "//evil.example",
    "/\\evil.example",
    "/\\/evil.example",
    "\\\\evil.example",
    "https://evil.example/phish",
    "javascript:alert(1)",
    " /patient",
    "/\u0000/evil.example",
    "/\u0085/evil.example",
    "",
    null,
    undefined,
  ])("refuses %j", (value) => {
    expect(safeRedirectPath(value, "/home")).toBe("/home");
  });

  it("what it returns, a browser resolves to this app's own origin", () => {
    for (const value of ["/\t/evil.example", "/patient", "//evil.example", "/%2F%2Fevil.example"]) {
      expect(new URL(safeRedirectPath(value), "https://clinic.example").origin).toBe("https://clinic.example");
    }
  });
});
