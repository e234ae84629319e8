import { describe, expect, it } from "vitest";
import { invoiceRetainUntil, retainedAfterErasure } from "./retention";

describe("retention after erasure", () => {
  it("keeps invoices, minimal, for the configured years", () => {
    const [rule, ...rest] = retainedAfterErasure({ invoiceYears: 10 });
    expect(rest).toEqual([]);
    expect(rule).toMatchObject({ what: "Invoices", years: 10 });
    expect(rule!.kept).toContain("nothing about your health");
  });

  it("keeps nothing when the clinic sets zero years", () => {
    expect(retainedAfterErasure({ invoiceYears: 0 })).toEqual([]);
  });

  it("counts whole calendar years from the erasure, in UTC, leap days included", () => {
    expect(invoiceRetainUntil(new Date("2026-11-25T10:00:00Z"), { invoiceYears: 10 }).toISOString()).toBe("2036-11-25T10:00:00.000Z");
    expect(invoiceRetainUntil(new Date("2028-02-29T00:00:00Z"), { invoiceYears: 1 }).toISOString()).toBe("2029-03-01T00:00:00.000Z");
  });
});
