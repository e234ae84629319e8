import { describe, expect, it } from "vitest";
import {
  billingBlocks,
  invoiceLabel,
  blockForSession,
  canStartSession,
  DEFAULT_BILLING_SETTINGS,
  formatMoney,
  priceCents,
} from "./billing";

const SOFIA = "Europe/Sofia";

describe("prices (integer cents)", () => {
  it.each([
    ["consultation", 14_500],
    ["program_session", 31_500],
    ["conclusion", 0],
    ["supporting_session", 31_500],
  ] as const)("%s costs %i cents by default", (item, cents) => {
    expect(priceCents(item)).toBe(cents);
    expect(Number.isInteger(priceCents(item))).toBe(true);
  });

  it("follows the admin's settings", () => {
    expect(priceCents("consultation", { ...DEFAULT_BILLING_SETTINGS, consultationPriceCents: 15_000 })).toBe(15_000);
  });

  it.each([
    [14_500, "€145.00"],
    [94_500, "€945.00"],
    [0, "€0.00"],
    [5, "€0.05"],
  ])("formats %i cents as %s", (cents, text) => {
    expect(formatMoney(cents)).toBe(text);
  });

  it("refuses fractional cents", () => {
    expect(() => formatMoney(1.5)).toThrow(expect.objectContaining({ code: "INVALID_AMOUNT" }));
  });
});

describe("blockForSession", () => {
  it.each([
    [1, 1], [2, 1], [3, 1],
    [4, 2], [5, 2], [6, 2],
    [7, 3], [9, 3],
    [10, 4], [12, 4],
    [13, 5],
  ])("session %i is in block %i", (session, block) => {
    expect(blockForSession(session)).toBe(block);
  });

  it("follows the block size setting", () => {
    const settings = { ...DEFAULT_BILLING_SETTINGS, blockSize: 4 };
    expect([1, 4, 5, 8, 9].map((n) => blockForSession(n, settings))).toEqual([1, 1, 2, 2, 3]);
    expect([1, 2, 3].map((n) => blockForSession(n, { ...settings, blockSize: 1 }))).toEqual([1, 2, 3]);
  });

  it.each([0, -1, 1.5, Number.NaN])("refuses session number %d", (n) => {
    expect(() => blockForSession(n)).toThrow(expect.objectContaining({ code: "INVALID_SESSION_NUMBER", field: "sessionNumber" }));
  });

  it.each([0, 2.5])("refuses block size %d", (blockSize) => {
    expect(() => blockForSession(1, { ...DEFAULT_BILLING_SETTINGS, blockSize })).toThrow(
      expect.objectContaining({ code: "INVALID_SETTING", field: "blockSize" }),
    );
  });
});

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe("billingBlocks", () => {
  it.each([
    [6, [[1, 2, 3], [4, 5, 6]]],
    [9, [[1, 2, 3], [4, 5, 6], [7, 8, 9]]],
    [12, [[1, 2, 3], [4, 5, 6], [7, 8, 9], [10, 11, 12]]],
  ])("a %i-session program has blocks %j, each EUR 945", (total, expected) => {
    const blocks = billingBlocks(range(1, total));
    expect(blocks.map((b) => b.sessionNumbers)).toEqual(expected);
    expect(blocks.map((b) => b.block)).toEqual(expected.map((_, i) => i + 1));
    for (const block of blocks) {
      expect(block.amountCents).toBe(94_500);
      expect(block.currency).toBe("EUR");
      expect(block.dueAt).toBeNull();
    }
    expect(blocks.reduce((sum, b) => sum + b.amountCents, 0)).toBe(total * 31_500);
  });

  it("bills an extension on the same numbering (sessions 7–9 after module 1)", () => {
    expect(billingBlocks([7, 8, 9])).toEqual([
      { block: 3, sessionNumbers: [7, 8, 9], amountCents: 94_500, currency: "EUR", dueAt: null },
    ]);
  });

  it("charges a partial block for the sessions it holds", () => {
    const blocks = billingBlocks(range(1, 6), { ...DEFAULT_BILLING_SETTINGS, blockSize: 4 });
    expect(blocks.map((b) => [b.sessionNumbers, b.amountCents])).toEqual([
      [[1, 2, 3, 4], 126_000],
      [[5, 6], 63_000],
    ]);
  });

  it("sorts unordered input and returns nothing for no sessions", () => {
    expect(billingBlocks([5, 1, 4, 2, 6, 3]).map((b) => b.sessionNumbers)).toEqual([[1, 2, 3], [4, 5, 6]]);
    expect(billingBlocks([])).toEqual([]);
  });

  it("makes each block due at its first session's start", () => {
    const blocks = billingBlocks([
      { number: 1, startsAt: new Date("2025-06-02T06:00:00Z") },
      { number: 2, startsAt: new Date("2025-06-30T06:00:00Z") },
      { number: 3, startsAt: null },
      { number: 5, startsAt: new Date("2025-09-22T06:00:00Z") },
      { number: 4, startsAt: new Date("2025-08-25T06:00:00Z") },
    ]);
    expect(blocks.map((b) => b.dueAt?.toISOString() ?? null)).toEqual(["2025-06-02T06:00:00.000Z", "2025-08-25T06:00:00.000Z"]);
    expect(blocks[1].amountCents).toBe(63_000);
  });

  it("has no due date while the block's first session is unplanned", () => {
    const blocks = billingBlocks([{ number: 4 }, { number: 5, startsAt: new Date("2025-09-22T06:00:00Z") }]);
    expect(blocks[0].dueAt).toBeNull();
  });

  it("moves the due date N calendar days earlier, keeping the local time across DST", () => {
    const settings = { ...DEFAULT_BILLING_SETTINGS, invoiceDueDaysBefore: 7 };
    // 30 March 2025 10:00 EEST; a week earlier is 23 March 10:00 EET.
    const sessions = [{ number: 1, startsAt: new Date("2025-03-30T07:00:00Z") }];
    expect(billingBlocks(sessions, settings, SOFIA)[0].dueAt?.toISOString()).toBe("2025-03-23T08:00:00.000Z");
    expect(billingBlocks(sessions, settings)[0].dueAt?.toISOString()).toBe("2025-03-23T07:00:00.000Z");
  });

  it.each<[string, Parameters<typeof billingBlocks>[0], string, string]>([
    ["a duplicate", [1, 2, 2], "DUPLICATE_SESSION_NUMBER", "sessions.2.number"],
    ["session 0", [0, 1], "INVALID_SESSION_NUMBER", "sessions.0.number"],
    ["an invalid date", [{ number: 1, startsAt: new Date(Number.NaN) }], "INVALID_DATE", "sessions.0.startsAt"],
  ])("refuses %s", (_label, sessions, code, field) => {
    expect(() => billingBlocks(sessions)).toThrow(expect.objectContaining({ code, field }));
  });

  it.each([
    ["sessionPriceCents", 315.5],
    ["sessionPriceCents", -1],
    ["consultationPriceCents", 145.99],
    ["invoiceDueDaysBefore", -2],
  ] as const)("refuses %s = %d", (key, value) => {
    expect(() => billingBlocks([1], { ...DEFAULT_BILLING_SETTINGS, [key]: value })).toThrow(
      expect.objectContaining({ code: "INVALID_SETTING", field: key }),
    );
  });

  it("refuses an unknown time zone", () => {
    expect(() => billingBlocks([1], DEFAULT_BILLING_SETTINGS, "Nowhere/City")).toThrow(expect.objectContaining({ code: "INVALID_TIME_ZONE" }));
  });
});

describe("canStartSession", () => {
  it.each([
    [1, [1], true, 1],
    [3, [1], true, 1],
    [4, [1], false, 2],
    [4, [1, 2], true, 2],
    [7, [1, 2], false, 3],
    [1, [], false, 1],
    [10, [1, 2, 3, 4], true, 4],
    [12, [4], true, 4], // only the session's own block matters
  ])("session %i with paid blocks %j → allowed %s (block %i)", (sessionNumber, paidBlocks, allowed, block) => {
    const decision = canStartSession({ sessionNumber, paidBlocks });
    expect(decision.allowed).toBe(allowed);
    expect(decision.block).toBe(block);
    if (!decision.allowed) {
      expect(decision.reason).toBe("BLOCK_UNPAID");
      expect(decision.message).toContain(`block ${block}`);
    }
  });

  const override = { byUserId: "planner-7", role: "planner" as const, reason: "  Bank transfer on its way  " };

  it.each(["planner", "therapist"] as const)("lets a %s override an unpaid block and returns the override to record", (role) => {
    expect(canStartSession({ sessionNumber: 4, paidBlocks: [1], override: { ...override, role } })).toEqual({
      allowed: true,
      block: 2,
      override: { byUserId: "planner-7", role, reason: "Bank transfer on its way" },
    });
  });

  it("records no override when the block is paid anyway", () => {
    expect(canStartSession({ sessionNumber: 4, paidBlocks: [1, 2], override })).toEqual({ allowed: true, block: 2 });
  });

  it.each([
    ["a patient", { ...override, role: "patient" as never }, "OVERRIDE_NOT_ALLOWED", "override.role"],
    ["no reason", { ...override, reason: "   " }, "REQUIRED", "override.reason"],
    ["nobody", { ...override, byUserId: "" }, "REQUIRED", "override.byUserId"],
  ])("refuses an override by %s", (_label, bad, code, field) => {
    expect(() => canStartSession({ sessionNumber: 4, paidBlocks: [], override: bad })).toThrow(expect.objectContaining({ code, field }));
  });

  it("follows the block size setting", () => {
    const settings = { ...DEFAULT_BILLING_SETTINGS, blockSize: 6 };
    expect(canStartSession({ sessionNumber: 6, paidBlocks: [1], settings }).allowed).toBe(true);
    expect(canStartSession({ sessionNumber: 7, paidBlocks: [1], settings }).allowed).toBe(false);
  });
});

describe("invoiceLabel", () => {
  it("names each kind of invoice as the patient reads it", () => {
    expect(invoiceLabel({ kind: "consultation", block: null })).toBe("Consultation");
    expect(invoiceLabel({ kind: "supporting", block: null })).toBe("Supporting session");
    expect(invoiceLabel({ kind: "block", block: 2 })).toBe("Sessions block 2");
  });
});
