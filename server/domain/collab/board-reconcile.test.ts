import { describe, expect, it } from "vitest";
import {
  type BoardElement,
  clearPage,
  createBoard,
  DEFAULT_PAGE,
  liveElements,
  MAX_ELEMENT_JSON_BYTES,
  MAX_ELEMENTS_PER_UPDATE,
  mergeBoard,
  newPage,
  pageElements,
  reconcileElements,
  reconcileElementsWithChanges,
  shouldAcceptRemote,
  validateBoardUpdate,
} from "./board-reconcile";

/**
 * Tiny notation, after Excalidraw's tests/data/reconcile.test.ts: "A2" = element A at version 2
 * (nonce 0), "A2n7" nonce 7, "~A2" a tombstone, "A2@b" index "b".
 */
function el(spec: string): BoardElement {
  const match = /^(~)?([A-Z])(\d+)(?:n(\d+))?(?:@(\w+))?$/.exec(spec);
  if (!match) throw new Error(`bad spec ${spec}`);
  const [, deleted, id, version, nonce, index] = match;
  return {
    id,
    version: Number(version),
    versionNonce: Number(nonce ?? 0),
    isDeleted: deleted === "~",
    index: index ?? null,
    type: "rectangle",
  };
}
const els = (specs: string) => (specs.trim() === "" ? [] : specs.trim().split(/\s+/).map(el));
const spec = (e: BoardElement) =>
  `${e.isDeleted ? "~" : ""}${e.id}${e.version}${e.versionNonce ? `n${e.versionNonce}` : ""}${e.index ? `@${e.index}` : ""}`;

describe("shouldAcceptRemote (board elements)", () => {
  it.each([
    ["A1", "A2", true],
    ["A2", "A1", false],
    ["A2n5", "A2n4", true],
    ["A2n4", "A2n5", false],
    ["A2n4", "A2n4", false],
    ["~A3", "A2", false],
  ])("local %s, remote %s → accept %s", (local, remote, accept) => {
    expect(shouldAcceptRemote(el(local), el(remote))).toBe(accept);
  });
});

describe("reconcileElements", () => {
  // local, remote → expected scene (ordered by index, then id; no index last)
  it.each([
    ["", "A1", "A1"],
    ["A1", "", "A1"],
    ["A1 B1", "A2 C1", "A2 B1 C1"],
    ["A2 B1", "A1 B2", "A2 B2"],
    ["A2n3", "A2n9", "A2n3"],
    ["A2n9", "A2n3", "A2n3"],
    ["A1 B1", "~A2", "~A2 B1"], // deletions stay as tombstones
    ["~A3", "A2", "~A3"], // a stale copy does not resurrect
    ["A1@c B1@a", "C1@b", "B1@a C1@b A1@c"],
    ["A1@b B1@b", "", "A1@b B1@b"], // equal index: by id
    ["A1 B1@z", "", "B1@z A1"],
    ["A1@a", "A2@d B1@b", "B1@b A2@d"], // a moved element takes its new place
  ])("local [%s] + remote [%s] → [%s]", (local, remote, expected) => {
    expect(reconcileElements(els(local), els(remote)).map(spec).join(" ")).toBe(expected);
  });

  it("converges whichever replica receives what first", () => {
    const left = els("A3n5@a B1@b ~C2@c");
    const right = els("A3n2@a B2@b C1@c D1@d");
    expect(reconcileElements(left, right)).toEqual(reconcileElements(right, left));
  });

  it("reports the accepted remote elements and leaves the inputs alone", () => {
    const local = els("A1 B2");
    const remote = els("A2 B1 C1");
    const frozen = JSON.stringify([local, remote]);
    const { accepted } = reconcileElementsWithChanges(local, remote);
    expect(accepted.map(spec)).toEqual(["A2", "C1"]);
    expect(JSON.stringify([local, remote])).toBe(frozen);
  });
});

describe("validateBoardUpdate", () => {
  const good = { sessionId: "s-1", pageId: "page-1", elements: [el("A1")] };

  it("accepts a well-formed update", () => {
    expect(validateBoardUpdate(good)).toEqual({ ok: true, value: good });
  });

  it.each([
    [{ ...good, elements: [{ ...el("A1"), id: "" }] }, "elements.0.id", "REQUIRED"],
    [{ ...good, elements: [{ ...el("A1"), id: "x".repeat(65) }] }, "elements.0.id", "TOO_LONG"],
    [{ ...good, elements: [{ ...el("A1"), id: 7 }] }, "elements.0.id", "INVALID_TYPE"],
    [{ ...good, elements: [el("A1"), { ...el("B1"), version: 0 }] }, "elements.1.version", "OUT_OF_RANGE"],
    [{ ...good, elements: [{ ...el("A1"), version: 1.5 }] }, "elements.0.version", "INVALID_TYPE"],
    [{ ...good, elements: [{ ...el("A1"), version: Number.POSITIVE_INFINITY }] }, "elements.0.version", "INVALID_TYPE"],
    [{ ...good, elements: [{ ...el("A1"), versionNonce: "3" }] }, "elements.0.versionNonce", "INVALID_TYPE"],
    [{ ...good, elements: [{ ...el("A1"), isDeleted: 0 }] }, "elements.0.isDeleted", "INVALID_TYPE"],
    [{ ...good, elements: [{ ...el("A1"), index: 4 }] }, "elements.0.index", "INVALID_TYPE"],
    [{ ...good, elements: [null] }, "elements.0", "INVALID_TYPE"],
    [{ ...good, elements: "A1" }, "elements", "INVALID_TYPE"],
    [{ ...good, elements: undefined }, "elements", "REQUIRED"],
    [{ ...good, pageId: "../x" }, "pageId", "INVALID_FORMAT"],
    [{ ...good, sessionId: undefined }, "sessionId", "REQUIRED"],
    [{ ...good, elements: Array.from({ length: MAX_ELEMENTS_PER_UPDATE + 1 }, () => el("A1")) }, "elements", "TOO_MANY"],
    [
      { ...good, elements: [{ ...el("A1"), points: "x".repeat(MAX_ELEMENT_JSON_BYTES) }] },
      "elements.0",
      "TOO_LARGE",
    ],
  ])("refuses %#: %s %s", (payload, field, code) => {
    const result = validateBoardUpdate(payload);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors).toContainEqual(expect.objectContaining({ field, code }));
  });

  it("lists every bad field, with its path", () => {
    const result = validateBoardUpdate({ ...good, elements: [{ id: "A", version: -1, versionNonce: 0.5 }] });
    expect(result.ok ? [] : result.errors.map((e) => e.path)).toEqual([
      ["elements", 0, "version"],
      ["elements", 0, "versionNonce"],
      ["elements", 0, "isDeleted"],
    ]);
  });

  it("refuses a payload that is not an object", () => {
    expect(validateBoardUpdate(null)).toEqual({ ok: false, errors: [expect.objectContaining({ path: [], code: "INVALID_TYPE" })] });
  });
});

describe("pages", () => {
  it("starts every board with the same first page", () => {
    expect(createBoard()).toEqual(createBoard());
    expect(createBoard().pages).toEqual([DEFAULT_PAGE]);
  });

  it("adds a page after the last one", () => {
    const { board, page } = newPage(createBoard(), { id: "p2", title: "Smile", versionNonce: 3 });
    expect(board.pages.map((p) => p.id)).toEqual(["page-1", "p2"]);
    expect(page.index > DEFAULT_PAGE.index).toBe(true);
    expect(() => newPage(board, { id: "p2", title: "again", versionNonce: 1 })).toThrow(RangeError);
  });

  it("clears one page with tombstones, leaving other pages alone", () => {
    let board = createBoard();
    board = newPage(board, { id: "p2", title: "", versionNonce: 1 }).board;
    board = mergeBoard(board, {
      pages: [],
      elementsByPage: { "page-1": els("A1@a ~B2@b C3@c"), p2: els("D1@a") },
    });
    let nonce = 100;
    const { board: cleared, tombstones } = clearPage(board, "page-1", () => nonce++);
    expect(tombstones.map(spec)).toEqual(["~A2n100@a", "~C4n101@c"]);
    expect(liveElements(pageElements(cleared, "page-1"))).toEqual([]);
    expect(pageElements(cleared, "p2").map(spec)).toEqual(["D1@a"]);
  });

  it("keeps an element another participant drew concurrently with a clear", () => {
    const board = mergeBoard(createBoard(), { pages: [], elementsByPage: { "page-1": els("A1@a") } });
    const { tombstones } = clearPage(board, "page-1", () => 5);
    const elsewhere = reconcileElements(els("A1@a B1@b"), tombstones);
    expect(elsewhere.map(spec)).toEqual(["~A2n5@a", "B1@b"]);
  });

  it("never reads inherited keys as pages", () => {
    expect(pageElements(createBoard(), "constructor")).toEqual([]);
  });
});
