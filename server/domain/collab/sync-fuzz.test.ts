/**
 * Seeded convergence fuzz of the live-session sync, after tldraw's
 * packages/sync-core/src/test/syncFuzz.test.ts: one simulated server running the real message handler
 * (./sync-protocol) and two or three participants running the real client replica (./sync-replica) do
 * random edits while links drop and messages arrive in random interleavings. Each link is FIFO in each
 * direction, as a socket.io connection is; what is in flight when a link drops is lost; a reconnecting
 * participant gets the snapshot and resends its unacknowledged changes. Once everyone is back and every
 * queue has drained, every participant must hold exactly the server's board and homework list.
 *
 * A failing seed is reported in the error; add it to REGRESSION_SEEDS once fixed.
 */
import { describe, expect, it } from "vitest";
import { type BoardElement, clearPage, findPage, liveElements, newPage, pageElements } from "./board-reconcile";
import { orderBetween } from "./fractional-index";
import {
  createHomeworkItem,
  DOSAGE_BOUNDS,
  deleteHomeworkItem,
  editHomeworkItem,
  moveHomeworkItem,
  visibleHomework,
} from "./homework-list";
import { canonicalJson, withEdit } from "./last-writer-wins";
import {
  type ClientMessage,
  createSessionSyncState,
  handleClientMessage,
  type ServerMessage,
  type SessionSyncState,
  snapshotMessages,
} from "./sync-protocol";
import { SyncReplica } from "./sync-replica";

const NUM_SEEDS = 200;
const OPS_PER_SEED = 200;
/** Seeds that once failed, kept as named tests. */
const REGRESSION_SEEDS: number[] = [];

const SESSION = "fuzz-session";

/** mulberry32 (Tommy Ettinger): a tiny, fast, seedable 32-bit generator. */
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

class Random {
  readonly next: () => number;
  constructor(seed: number) {
    this.next = mulberry32(seed);
  }
  int(below: number): number {
    return Math.floor(this.next() * below);
  }
  chance(probability: number): boolean {
    return this.next() < probability;
  }
  pick<T>(items: readonly T[]): T | undefined {
    return items.length === 0 ? undefined : items[this.int(items.length)];
  }
  between(min: number, max: number): number {
    return min + this.int(max - min + 1);
  }
}

/** What the fuzz run did, summed over all seeds, to check it exercised the interesting paths. */
const totals = { disconnects: 0, droppedMessages: 0, lostConflicts: 0, elements: 0, tombstones: 0, pages: 0, homework: 0 };

interface Link {
  connected: boolean;
  /** Client → server, FIFO. */
  up: ClientMessage[];
  /** Server → client, FIFO. */
  down: ServerMessage[];
}

class FuzzServer {
  state: SessionSyncState = createSessionSyncState(SESSION);
  readonly links: Link[];

  constructor(participants: number) {
    this.links = Array.from({ length: participants }, () => ({ connected: false, up: [], down: [] }));
  }

  connect(i: number): void {
    this.links[i] = { connected: true, up: [], down: structuredClone(snapshotMessages(this.state)) };
  }

  disconnect(i: number): void {
    const link = this.links[i];
    totals.disconnects += 1;
    totals.droppedMessages += link.up.length + link.down.length;
    this.links[i] = { connected: false, up: [], down: [] };
  }

  /** Handles the oldest message on link `i`, exactly as the socket handler would. */
  deliverUp(i: number): void {
    const message = this.links[i].up.shift() as ClientMessage;
    const handled = handleClientMessage(this.state, message.event, message.payload);
    if (!handled.ack.ok) throw new Error(`server rejected ${message.event}: ${JSON.stringify(handled.ack)}`);
    this.state = handled.state;
    this.links[i].down.push(structuredClone({ event: "sync:ack", payload: handled.ack }));
    const sent = sentCount(message);
    const accepted = handled.broadcast ? sentCount(handled.broadcast as ClientMessage) : 0;
    totals.lostConflicts += sent - accepted;
    if (!handled.broadcast) return;
    this.links.forEach((link, other) => {
      if (other !== i && link.connected) link.down.push(structuredClone(handled.broadcast as ServerMessage));
    });
  }
}

function sentCount(message: ClientMessage): number {
  const payload = message.payload;
  if ("elements" in payload) return payload.elements.length;
  if ("pages" in payload) return payload.pages.length;
  return payload.items.length;
}

class FuzzParticipant {
  readonly replica: SyncReplica;
  private created = 0;
  private pageId = "page-1";

  constructor(
    readonly name: string,
    private readonly random: Random,
  ) {
    this.replica = new SyncReplica(SESSION, name);
  }

  /** Nonces from a tiny range now and then, so equal (version, nonce) pairs with other content occur. */
  private nonce(): number {
    return this.random.chance(0.2) ? this.random.int(3) : this.random.int(2 ** 31);
  }

  private newId(kind: string): string {
    this.created += 1;
    return `${this.name}${kind}${this.created}`;
  }

  /** One random local edit; returns a line for the failure log. */
  randomOp(): string {
    const { random, replica } = this;
    const elements = pageElements(replica.board, this.pageId);
    const live = liveElements(elements);
    const roll = random.int(100);

    if (roll < 22) {
      const top = elements.reduce<string | undefined>(
        (max, e) => (typeof e.index === "string" && (max === undefined || e.index > max) ? e.index : max),
        undefined,
      );
      const element: BoardElement = {
        id: this.newId("e"),
        version: 1,
        versionNonce: this.nonce(),
        isDeleted: false,
        index: orderBetween(top),
        type: random.pick(["rectangle", "ellipse", "freedraw", "text"]),
        x: random.int(1000),
        y: random.int(1000),
      };
      replica.applyLocalElements(this.pageId, [element]);
      return `draw ${element.id} on ${this.pageId}`;
    }
    if (roll < 42) {
      // Edits: mostly live elements; sometimes a tombstone (undo of a delete).
      const target = random.chance(0.85) ? random.pick(live) : random.pick(elements);
      if (!target) return "edit (nothing)";
      const edited = withEdit(target, { x: random.int(1000), isDeleted: false }, this.nonce());
      replica.applyLocalElements(this.pageId, [edited]);
      return `edit ${target.id} → v${edited.version}n${edited.versionNonce}`;
    }
    if (roll < 50) {
      const target = random.pick(live);
      if (!target) return "delete (nothing)";
      replica.applyLocalElements(this.pageId, [withEdit(target, { isDeleted: true }, this.nonce())]);
      return `delete ${target.id}`;
    }
    if (roll < 54) {
      const target = random.pick(live);
      const indices = elements.map((e) => e.index).filter((i): i is string => typeof i === "string").sort();
      if (!target || indices.length === 0) return "z-order (nothing)";
      const toFront = random.chance(0.5);
      const index = toFront ? orderBetween(indices[indices.length - 1]) : orderBetween(undefined, indices[0]);
      replica.applyLocalElements(this.pageId, [withEdit(target, { index }, this.nonce())]);
      return `${toFront ? "front" : "back"} ${target.id}`;
    }
    if (roll < 57) {
      const { tombstones } = clearPage(replica.board, this.pageId, () => this.nonce());
      replica.applyLocalElements(this.pageId, tombstones);
      return `clear ${this.pageId} (${tombstones.length})`;
    }
    if (roll < 60) {
      const { page } = newPage(replica.board, { id: this.newId("p"), title: "Page", versionNonce: this.nonce() });
      replica.applyLocalPages([page]);
      this.pageId = page.id;
      return `new page ${page.id}`;
    }
    if (roll < 62) {
      const page = random.pick(replica.board.pages) ?? findPage(replica.board, "page-1");
      if (!page) return "rename (nothing)";
      replica.applyLocalPages([withEdit(page, { title: `T${random.int(100)}` }, this.nonce())]);
      return `rename ${page.id}`;
    }
    if (roll < 66) {
      this.pageId = random.pick(replica.board.pages.filter((p) => !p.isDeleted))?.id ?? "page-1";
      return `switch to ${this.pageId}`;
    }
    if (roll < 67) {
      replica.queueFullPage(this.pageId);
      return `full resend ${this.pageId}`;
    }

    const items = replica.homework;
    const visible = visibleHomework(items);
    if (roll < 78) {
      const item = createHomeworkItem(
        items,
        {
          id: this.newId("h"),
          versionNonce: this.nonce(),
          techniqueId: random.chance(0.5) ? `tech-${random.int(5)}` : null,
          title: `Exercise ${random.int(50)}`,
          notes: "",
          illustrationIds: [],
          repetitions: random.between(DOSAGE_BOUNDS.repetitions.min, DOSAGE_BOUNDS.repetitions.max),
          sets: random.between(DOSAGE_BOUNDS.sets.min, DOSAGE_BOUNDS.sets.max),
          timesPerDay: random.between(DOSAGE_BOUNDS.timesPerDay.min, DOSAGE_BOUNDS.timesPerDay.max),
          minutes: random.between(DOSAGE_BOUNDS.minutes.min, DOSAGE_BOUNDS.minutes.max),
        },
        random.int(visible.length + 1),
      );
      replica.applyLocalHomework([item]);
      return `homework add ${item.id} @${item.order}`;
    }
    if (roll < 88) {
      const target = random.pick(visible);
      if (!target) return "homework edit (nothing)";
      const edited = editHomeworkItem(
        target,
        { minutes: random.between(1, 120), notes: random.chance(0.3) ? `n${random.int(9)}` : target.notes },
        this.nonce(),
      );
      replica.applyLocalHomework([edited]);
      return `homework edit ${target.id}`;
    }
    if (roll < 94) {
      const target = random.pick(visible);
      if (!target) return "homework move (nothing)";
      const moved = moveHomeworkItem(items, target.id, random.int(visible.length), this.nonce());
      replica.applyLocalHomework([moved]);
      return `homework move ${target.id} → ${moved.order}`;
    }
    const target = random.pick(visible);
    if (!target) return "homework delete (nothing)";
    replica.applyLocalHomework([deleteHomeworkItem(target, this.nonce())]);
    return `homework delete ${target.id}`;
  }
}

function runSeed(seed: number): void {
  const random = new Random(seed);
  const participantCount = 2 + random.int(2);
  const server = new FuzzServer(participantCount);
  const participants = Array.from({ length: participantCount }, (_, i) => new FuzzParticipant(`c${i}`, random));
  const log: string[] = [];

  const connect = (i: number) => {
    server.connect(i);
    log.push(`connect c${i}`);
  };
  const disconnect = (i: number) => {
    server.disconnect(i);
    participants[i].replica.disconnected();
    log.push(`disconnect c${i}`);
  };
  const flush = (i: number) => {
    if (!server.links[i].connected) return;
    server.links[i].up.push(...structuredClone(participants[i].replica.takeOutgoing()));
  };
  /** Delivers the oldest message of one random non-empty queue; false when all are empty. */
  const deliverOne = (): boolean => {
    const queues: Array<[number, "up" | "down"]> = [];
    server.links.forEach((link, i) => {
      if (link.up.length > 0) queues.push([i, "up"]);
      if (link.down.length > 0) queues.push([i, "down"]);
    });
    const queue = random.pick(queues);
    if (!queue) return false;
    const [i, direction] = queue;
    if (direction === "up") server.deliverUp(i);
    else participants[i].replica.receive(server.links[i].down.shift() as ServerMessage);
    return true;
  };

  try {
    participants.forEach((_, i) => {
      if (random.chance(0.7)) connect(i);
    });

    for (let op = 0; op < OPS_PER_SEED; op++) {
      const i = random.int(participantCount);
      log.push(`c${i}: ${participants[i].randomOp()}`);
      // Clients send at once or a little later (throttled), like the session page does.
      if (random.chance(0.7)) flush(i);

      const j = random.int(participantCount);
      if (server.links[j].connected && random.chance(0.06)) disconnect(j);
      else if (!server.links[j].connected && random.chance(0.3)) {
        connect(j);
        flush(j);
      }

      for (let k = random.int(5); k > 0; k--) deliverOne();
    }

    // Everyone back online, then drain until nothing moves.
    participants.forEach((_, i) => {
      if (!server.links[i].connected) connect(i);
    });
    for (let steps = 0; ; steps++) {
      if (steps > 100_000) throw new Error("the network did not settle");
      participants.forEach((_, i) => flush(i));
      if (!deliverOne() && participants.every((p) => !p.replica.hasUnsent)) break;
    }

    const expected = server.state;
    participants.forEach((participant, i) => {
      const { replica } = participant;
      expect(replica.rejections, `c${i} rejections`).toEqual([]);
      expect(replica.pendingCount, `c${i} pending`).toBe(0);
      const same =
        isDeepStrictEqualLike(replica.board, expected.board) && isDeepStrictEqualLike(replica.homework, expected.homework);
      if (same) return;
      const differences = [
        ...differencesById("page", replica.board.pages, expected.board.pages),
        ...Object.keys({ ...replica.board.elementsByPage, ...expected.board.elementsByPage }).flatMap((pageId) =>
          differencesById(`element on ${pageId}`, pageElements(replica.board, pageId), pageElements(expected.board, pageId)),
        ),
        ...differencesById("homework item", replica.homework, expected.homework),
      ];
      throw new Error(`c${i} differs from the server:\n${differences.slice(0, 5).join("\n") || "(in key layout only)"}`);
    });
    for (const elements of Object.values(expected.board.elementsByPage)) {
      expect(new Set(elements.map((e) => e.id)).size).toBe(elements.length);
      totals.elements += elements.length;
      totals.tombstones += elements.filter((e) => e.isDeleted).length;
    }
    totals.pages += expected.board.pages.length;
    totals.homework += expected.homework.length;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`seed ${seed} failed (${participantCount} participants): ${reason}\nlast ops:\n${log.slice(-40).join("\n")}`, { cause: error });
  }
}

/** vitest's own deep equality (what `toEqual` uses), without building an assertion per participant. */
function isDeepStrictEqualLike(actual: unknown, expected: unknown): boolean {
  try {
    expect(actual).toEqual(expected);
    return true;
  } catch {
    return false;
  }
}

/** "id: client {…} / server {…}" for each record that is missing on one side or differs. */
function differencesById<T extends { id: string }>(kind: string, actual: readonly T[], expected: readonly T[]): string[] {
  const actualById = new Map(actual.map((record) => [record.id, record]));
  const expectedById = new Map(expected.map((record) => [record.id, record]));
  const differences: string[] = [];
  for (const id of new Set([...actualById.keys(), ...expectedById.keys()])) {
    const mine = canonicalJson(actualById.get(id) ?? null);
    const theirs = canonicalJson(expectedById.get(id) ?? null);
    if (mine !== theirs) differences.push(`${kind} ${id}: client ${mine} / server ${theirs}`);
  }
  if (differences.length === 0 && actual.map((r) => r.id).join() !== expected.map((r) => r.id).join()) {
    differences.push(`${kind}s in another order`);
  }
  return differences;
}

describe("sync convergence fuzz", () => {
  for (const seed of REGRESSION_SEEDS) {
    it(`regression seed ${seed}`, () => runSeed(seed));
  }

  // Fixed seeds 1…NUM_SEEDS: a failure reproduces on every run and names its seed.
  it.each(Array.from({ length: NUM_SEEDS }, (_, i) => i + 1))(`seed %i: ${OPS_PER_SEED} operations converge`, (seed) => {
    runSeed(seed);
  });

  it("exercised drops, lost conflicts, tombstones, pages and homework", () => {
    expect(totals.disconnects).toBeGreaterThan(0);
    expect(totals.droppedMessages).toBeGreaterThan(0);
    expect(totals.lostConflicts).toBeGreaterThan(0);
    expect(totals.tombstones).toBeGreaterThan(0);
    expect(totals.pages).toBeGreaterThan(NUM_SEEDS);
    expect(totals.homework).toBeGreaterThan(0);
    expect(totals.elements).toBeGreaterThan(totals.tombstones);
  });
});
