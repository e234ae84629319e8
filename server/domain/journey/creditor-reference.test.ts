import { describe, expect, it } from "vitest";
import { creditorReference, isValidCreditorReference } from "./creditor-reference";

describe("ISO 11649 creditor references", () => {
  it("matches the standard's published example (RF18 5390 0754 7034)", () => {
    expect(creditorReference("539007547034")).toBe("RF18 5390 0754 7034");
    expect(isValidCreditorReference("RF18 5390 0754 7034")).toBe(true);
  });

  it("gives a valid reference for letters and digits, and spots a mistyped digit", () => {
    const ref = creditorReference("INV000042");
    expect(isValidCreditorReference(ref)).toBe(true);
    const typo = `${ref.slice(0, -1)}${ref.endsWith("3") ? "4" : "3"}`;
    expect(isValidCreditorReference(typo)).toBe(false);
  });

  it("refuses an empty or too long body", () => {
    expect(() => creditorReference("")).toThrow();
    expect(() => creditorReference("X".repeat(22))).toThrow();
  });
});
