import { describe, expect, it } from "vitest";
import { isOrderKey, MAX_ORDER_KEY_LENGTH, ORDER_DIGITS, orderBetween } from "./fractional-index";

/** Small seeded generator (mulberry32) so the property checks below are reproducible. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("orderBetween", () => {
  it.each([
    [undefined, undefined, "V"],
    ["V", undefined, "W"],
    ["z", undefined, "z1"],
    ["a5x", undefined, "b"],
    [undefined, "V", "U"],
    [undefined, "1", "0z"],
    [undefined, "1V", "1"],
    [undefined, "01", "00z"],
    ["A", "C", "B"],
    ["A", "B", "AV"],
    ["A", "AV", "AG"],
    ["A", "BV", "B"],
    ["0z", "1", "0zV"],
    ["V", "W", "VV"],
  ])("between %s and %s is %s", (a, b, expected) => {
    const key = orderBetween(a, b);
    expect(key).toBe(expected);
    expect(isOrderKey(key)).toBe(true);
    if (a !== undefined) expect(a < key).toBe(true);
    if (b !== undefined) expect(key < b).toBe(true);
  });

  it.each([
    ["B", "A"],
    ["A", "A"],
    ["A0", undefined],
    ["", undefined],
    [undefined, "a-b"],
    ["x".repeat(MAX_ORDER_KEY_LENGTH + 1), undefined],
  ])("refuses %s, %s", (a, b) => {
    expect(() => orderBetween(a, b)).toThrow(RangeError);
  });

  it("keeps keys short when a list grows at one end", () => {
    let last: string | undefined;
    let first: string | undefined;
    for (let i = 0; i < 500; i++) last = orderBetween(last, undefined);
    for (let i = 0; i < 500; i++) first = orderBetween(undefined, first);
    // 500 / 61 ≈ 8 extra digits
    expect(last?.length).toBeLessThanOrEqual(10);
    expect(first?.length).toBeLessThanOrEqual(10);
  });

  it("keeps a sorted list sorted under random inserts (property, seeded)", () => {
    const random = mulberry32(42);
    for (let run = 0; run < 20; run++) {
      const keys: string[] = [];
      for (let i = 0; i < 200; i++) {
        const at = Math.floor(random() * (keys.length + 1));
        const key = orderBetween(keys[at - 1], keys[at]);
        expect(isOrderKey(key)).toBe(true);
        keys.splice(at, 0, key);
      }
      for (let i = 1; i < keys.length; i++) expect(keys[i - 1] < keys[i]).toBe(true);
    }
  });

  it("repeated inserts into one gap grow keys by about one digit per six", () => {
    let low = "V";
    const high = "W";
    for (let i = 0; i < 60; i++) low = orderBetween(low, high);
    expect(low.length).toBeLessThanOrEqual(14);
    expect(low < high).toBe(true);
  });

  it("uses digits in code-unit order", () => {
    expect([...ORDER_DIGITS].sort().join("")).toBe(ORDER_DIGITS);
  });
});
