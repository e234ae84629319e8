import { describe, expect, it } from "vitest";
import {
  canonicalJson,
  compareVersioned,
  mergeVersioned,
  randomVersionNonce,
  shouldAcceptRemote,
  type Versioned,
  withEdit,
} from "./last-writer-wins";

type Note = Versioned & { text?: string };

/** "A2n7" = id A, version 2, nonce 7 (nonce 0 when left out); "~A2" is a tombstone; ":x" sets text. */
function note(spec: string): Note {
  const match = /^(~)?([A-Z])(\d+)(?:n(\d+))?(?::(\w+))?$/.exec(spec);
  if (!match) throw new Error(`bad spec ${spec}`);
  const [, deleted, id, version, nonce, text] = match;
  return { id, version: Number(version), versionNonce: Number(nonce ?? 0), isDeleted: deleted === "~", ...(text ? { text } : {}) };
}

describe("shouldAcceptRemote", () => {
  // local, remote → which one the replica keeps
  it.each([
    [null, "A1", "remote"], // nothing local yet
    ["A1", "A2", "remote"], // higher version wins
    ["A3", "A2", "local"],
    ["A2n5", "A2n3", "remote"], // equal version: lower nonce wins (Excalidraw)
    ["A2n3", "A2n5", "local"],
    ["~A2n3", "A2n5", "local"], // a tombstone is an ordinary version
    ["A2n5", "~A2n3", "remote"],
    ["A3", "~A2", "local"], // a stale delete does not delete a newer edit
    ["~A3", "A2", "local"], // a stale edit does not resurrect
    ["A2n4", "A2n4", "local"], // the same state: nothing to do
    ["A2n4:b", "A2n4:a", "remote"], // full tie, other content: smaller canonical JSON wins
    ["A2n4:a", "A2n4:b", "local"],
  ] as const)("%s vs %s keeps %s", (local, remote, expected) => {
    const accept = shouldAcceptRemote(local === null ? undefined : note(local), note(remote));
    expect(accept ? "remote" : "local").toBe(expected);
  });

  it("is antisymmetric: exactly one side wins unless the states are identical", () => {
    const specs = ["A1", "A2", "A2n1", "A2n9", "~A2n1", "A2n1:x", "A2n1:y", "~A3"];
    for (const a of specs) {
      for (const b of specs) {
        const forward = compareVersioned(note(a), note(b));
        const backward = compareVersioned(note(b), note(a));
        expect(Math.sign(forward) + Math.sign(backward)).toBe(0);
        expect(forward === 0).toBe(a === b);
      }
    }
  });
});

describe("mergeVersioned", () => {
  it("gives the same winners whatever the order of arrival", () => {
    const updates = ["A1", "A2n9", "A2n3", "~A2n3", "B1", "B1:z", "~B2", "A2n3:q"].map(note);
    const orders = [updates, [...updates].reverse(), [updates[3], ...updates.slice(4), ...updates.slice(0, 3)]];
    const results = orders.map((order) => {
      let state: Note[] = [];
      for (const update of order) state = [...mergeVersioned(state, [update]).byId.values()];
      return state.sort((x, y) => (x.id < y.id ? -1 : 1));
    });
    expect(results[1]).toEqual(results[0]);
    expect(results[2]).toEqual(results[0]);
    expect(results[0].map((n) => `${n.isDeleted ? "~" : ""}${n.id}${n.version}n${n.versionNonce}`)).toEqual(["A2n3", "~B2n0"]);
  });

  it("reports each accepted id once, with its final winner", () => {
    const { accepted } = mergeVersioned([note("A2")], [note("A1"), note("B1"), note("A3n5"), note("A3n2")]);
    expect(accepted.map((n) => `${n.id}${n.version}n${n.versionNonce}`)).toEqual(["B1n0", "A3n2"]);
  });
});

describe("withEdit", () => {
  it("bumps the version, takes the new nonce and keeps the id", () => {
    const edited = withEdit<Note>(note("A4n1"), { text: "hi" }, 77);
    expect(edited).toEqual({ id: "A", version: 5, versionNonce: 77, isDeleted: false, text: "hi" });
  });

  it("draws nonces as Excalidraw does, integers in [0, 2^31)", () => {
    expect(randomVersionNonce(() => 0)).toBe(0);
    expect(randomVersionNonce(() => 0.999999999999)).toBe(2 ** 31 - 1);
  });
});

describe("canonicalJson", () => {
  it("sorts keys at every depth and drops undefined like JSON", () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 2 }], c: undefined } })).toBe('{"a":{"d":[2,{"y":2,"z":1}]},"b":1}');
  });

  it("keeps a '__proto__' key as data", () => {
    expect(canonicalJson(JSON.parse('{"__proto__":{"x":1},"a":2}'))).toBe('{"__proto__":{"x":1},"a":2}');
  });
});
