import { describe, expect, it } from "vitest";
import { joined, left, parseIntervals, serializeIntervals, span } from "./attendance";

const at = (minute: number) => new Date(Date.UTC(2026, 2, 3, 9, minute));

describe("attendance intervals", () => {
  it("a reconnect opens a second interval in the same record; the span runs from the first join to the last leave", () => {
    let intervals = joined([], "a", at(0));
    intervals = left(intervals, at(10), "a");
    expect(span(intervals)).toEqual({ joinedAt: at(0), leftAt: at(10) });
    intervals = joined(intervals, "b", at(12));
    expect(span(intervals)).toEqual({ joinedAt: at(0), leftAt: null });
    intervals = left(intervals, at(30), "b");
    expect(intervals).toEqual([
      { connectionId: "a", joinedAt: at(0), leftAt: at(10) },
      { connectionId: "b", joinedAt: at(12), leftAt: at(30) },
    ]);
    expect(span(intervals)).toEqual({ joinedAt: at(0), leftAt: at(30) });
  });

  it("joining twice on one open connection and leaving twice change nothing", () => {
    const once = joined([], "a", at(0));
    expect(joined(once, "a", at(5))).toEqual(once);
    const closed = left(once, at(8), "a");
    expect(left(closed, at(9), "a")).toEqual(closed);
  });

  it("the same connection back after it left gets a new interval (the gap stays visible)", () => {
    const back = joined(left(joined([], "a", at(0)), at(5), "a"), "a", at(7));
    expect(back).toHaveLength(2);
    expect(span(back)).toEqual({ joinedAt: at(0), leftAt: null });
  });

  it("ending the call closes every open interval, never before it opened", () => {
    const two = joined(joined([], "a", at(0)), "b", at(20));
    expect(left(two, at(15)).map((i) => i.leftAt)).toEqual([at(15), at(20)]);
  });

  it("an empty record has no span; stored JSON reads back the same and malformed parts are dropped", () => {
    expect(span([])).toBeNull();
    const intervals = left(joined([], "a", at(0)), at(3), "a");
    expect(parseIntervals(JSON.parse(JSON.stringify(serializeIntervals(intervals))))).toEqual(intervals);
    expect(parseIntervals([{ connectionId: 1 }, { connectionId: "x", joinedAt: "nonsense" }, null])).toEqual([]);
    expect(parseIntervals("not a list")).toEqual([]);
  });
});
