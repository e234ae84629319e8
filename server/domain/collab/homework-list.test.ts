import { describe, expect, it } from "vitest";
import {
  createHomeworkItem,
  deleteHomeworkItem,
  editHomeworkItem,
  type HomeworkItem,
  moveHomeworkItem,
  orderForPosition,
  reconcileHomework,
  validateDosage,
  validateHomeworkItem,
  visibleHomework,
} from "./homework-list";

const dosage = { repetitions: 10, sets: 3, timesPerDay: 2, minutes: 15 };

function item(id: string, order: string, extra: Partial<HomeworkItem> = {}): HomeworkItem {
  return {
    id,
    version: 1,
    versionNonce: 0,
    isDeleted: false,
    order,
    techniqueId: null,
    title: `Exercise ${id}`,
    notes: "",
    illustrationIds: [],
    ...dosage,
    ...extra,
  };
}

describe("validateDosage", () => {
  it("accepts the bounds themselves", () => {
    expect(validateDosage({ repetitions: 1, sets: 1, timesPerDay: 1, minutes: 1 }).ok).toBe(true);
    expect(validateDosage({ repetitions: 100, sets: 20, timesPerDay: 6, minutes: 120 }).ok).toBe(true);
  });

  it.each([
    ["repetitions", 0],
    ["repetitions", 10_000],
    ["repetitions", 101],
    ["sets", 0],
    ["sets", 10_000],
    ["sets", 21],
    ["timesPerDay", 0],
    ["timesPerDay", 10_000],
    ["timesPerDay", 7],
    ["minutes", 0],
    ["minutes", 10_000],
    ["minutes", 121],
  ])("refuses %s = %s with an error on that field", (field, value) => {
    const result = validateDosage({ ...dosage, [field]: value });
    expect(result).toEqual({ ok: false, errors: [expect.objectContaining({ field, code: "OUT_OF_RANGE" })] });
  });

  it("refuses fractions, strings and gaps, one error per field", () => {
    const result = validateDosage({ repetitions: 2.5, sets: "3", timesPerDay: 2 });
    expect(result.ok ? [] : result.errors.map((e) => [e.field, e.code])).toEqual([
      ["repetitions", "INVALID_TYPE"],
      ["sets", "INVALID_TYPE"],
      ["minutes", "REQUIRED"],
    ]);
  });
});

describe("validateHomeworkItem", () => {
  it("accepts a well-formed item", () => {
    expect(validateHomeworkItem(item("h1", "V")).ok).toBe(true);
  });

  it("reports nested paths", () => {
    const bad = { ...item("h1", "V"), title: "", order: "V0", illustrationIds: ["ok", "no/pe"], sets: 0 };
    const result = validateHomeworkItem(bad, ["items", 2]);
    expect(result.ok ? [] : result.errors.map((e) => e.field)).toEqual([
      "items.2.order",
      "items.2.title",
      "items.2.illustrationIds.1",
      "items.2.sets",
    ]);
  });
});

describe("reconcileHomework", () => {
  it("keeps the higher version per item, lower nonce on ties, and sorts by order then id", () => {
    const local = [item("a", "V", { version: 2, versionNonce: 9 }), item("b", "W")];
    const remote = [item("a", "V", { version: 2, versionNonce: 1, title: "won" }), item("c", "V")];
    const merged = reconcileHomework(local, remote);
    expect(merged.map((i) => `${i.id}:${i.title}`)).toEqual(["a:won", "c:Exercise c", "b:Exercise b"]);
    expect(reconcileHomework(remote, local)).toEqual(merged);
  });

  it("keeps deletions as tombstones that a stale edit cannot undo", () => {
    const deleted = deleteHomeworkItem(item("a", "V"), 4);
    const stale = item("a", "V", { title: "stale" });
    const merged = reconcileHomework([deleted], [stale]);
    expect(merged).toEqual([deleted]);
    expect(visibleHomework(merged)).toEqual([]);
  });
});

describe("ordering", () => {
  it("creates at the end by default and at a position when asked", () => {
    const a = createHomeworkItem([], { id: "a", versionNonce: 1, title: "A", notes: "", illustrationIds: [], ...dosage });
    const b = createHomeworkItem([a], { id: "b", versionNonce: 1, title: "B", notes: "", illustrationIds: [], ...dosage });
    const c = createHomeworkItem([a, b], { id: "c", versionNonce: 1, title: "C", notes: "", illustrationIds: [], ...dosage }, 1);
    expect(visibleHomework([a, b, c]).map((i) => i.id)).toEqual(["a", "c", "b"]);
  });

  it("moves an item by rewriting only its own key", () => {
    const list = [item("a", "A"), item("b", "B"), item("c", "C")];
    const moved = moveHomeworkItem(list, "c", 0, 7);
    expect(moved).toMatchObject({ id: "c", version: 2, versionNonce: 7 });
    expect(visibleHomework(reconcileHomework(list, [moved])).map((i) => i.id)).toEqual(["c", "a", "b"]);
    const back = moveHomeworkItem(list, "a", 5, 8);
    expect(visibleHomework(reconcileHomework(list, [back])).map((i) => i.id)).toEqual(["b", "c", "a"]);
  });

  it("finds room next to two items that share a key (concurrent inserts)", () => {
    const list = [item("a", "A"), item("b", "B"), item("c", "B"), item("d", "D")];
    const key = orderForPosition(list, 2); // between b and c, which share "B": lands after both
    expect(key > "B" && key < "D").toBe(true);
    expect(orderForPosition(list, 1) > "A").toBe(true);
    expect(orderForPosition(list, 1) < "B").toBe(true);
  });

  it("ignores deleted items when placing", () => {
    const list = [item("a", "A"), deleteHomeworkItem(item("b", "B"), 1), item("c", "C")];
    const moved = moveHomeworkItem(list, "c", 1, 2);
    expect(moved.order > "A").toBe(true);
  });

  it("edits content with a version bump", () => {
    expect(editHomeworkItem(item("a", "A"), { minutes: 20 }, 3)).toMatchObject({ version: 2, versionNonce: 3, minutes: 20 });
  });
});
