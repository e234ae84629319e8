import { describe, expect, it } from "vitest";
import { type BoardElement, createBoard, liveElements, newPage, pageElements } from "./board-reconcile";
import { createHomeworkItem, type HomeworkItem, visibleHomework } from "./homework-list";
import { withEdit } from "./last-writer-wins";
import {
  applyClientUpdate,
  type ClientMessage,
  createSessionSyncState,
  handleClientMessage,
  type ServerMessage,
  type SessionSyncState,
  snapshotMessages,
} from "./sync-protocol";
import { SyncReplica } from "./sync-replica";

const SESSION = "sess-1";

function rect(id: string, version = 1, versionNonce = 0, extra: Partial<BoardElement> = {}): BoardElement {
  return { id, version, versionNonce, isDeleted: false, index: "a0", type: "rectangle", x: 0, ...extra };
}

function homework(id: string): HomeworkItem {
  return createHomeworkItem([], {
    id,
    versionNonce: 1,
    title: "Smile, lips closed",
    notes: "",
    illustrationIds: [],
    repetitions: 10,
    sets: 2,
    timesPerDay: 2,
    minutes: 15,
  });
}

describe("handleClientMessage", () => {
  const state = createSessionSyncState(SESSION);
  const update = { sessionId: SESSION, ackId: "c1-1", pageId: "page-1", elements: [rect("A")] };

  it("applies an update, acks the sender and relays only what changed", () => {
    const first = handleClientMessage(state, "board:update", update);
    expect(first.ack).toEqual({ ackId: "c1-1", ok: true });
    expect(first.broadcast).toEqual({
      event: "board:update",
      payload: { sessionId: SESSION, pageId: "page-1", elements: [rect("A")] },
    });
    expect(pageElements(first.state.board, "page-1")).toEqual([rect("A")]);

    const again = handleClientMessage(first.state, "board:update", { ...update, ackId: "c1-2" });
    expect(again.ack).toEqual({ ackId: "c1-2", ok: true });
    expect(again.broadcast).toBeNull();
    expect(again.state).toBe(first.state);
  });

  it.each([
    ["board:update", { ...update, sessionId: "other" }, "WRONG_SESSION"],
    ["board:update", { ...update, pageId: "nope" }, "UNKNOWN_PAGE"],
    ["board:update", { ...update, elements: [{ ...rect("A"), version: 0 }] }, "INVALID_PAYLOAD"],
    ["board:update", { ...update, ackId: undefined }, "INVALID_PAYLOAD"],
    ["board:cursor", update, "UNKNOWN_EVENT"],
    ["homework:upsert", { sessionId: SESSION, ackId: "c1-3", items: [{ ...homework("h"), minutes: 0 }] }, "INVALID_PAYLOAD"],
    ["board:page", { sessionId: SESSION, ackId: "c1-4", pages: [{ id: "p" }] }, "INVALID_PAYLOAD"],
  ])("rejects %s (%#) with %s and changes nothing", (event, payload, code) => {
    const handled = handleClientMessage(state, event, payload);
    expect(handled.ack).toMatchObject({ ok: false, code });
    expect(handled.state).toBe(state);
    expect(handled.broadcast).toBeNull();
  });

  it("names the failing field", () => {
    const handled = handleClientMessage(state, "homework:upsert", {
      sessionId: SESSION,
      ackId: "c1-5",
      items: [{ ...homework("h"), repetitions: 10_000 }],
    });
    expect(handled.ack).toMatchObject({ ok: false, errors: [expect.objectContaining({ field: "items.0.repetitions" })] });
  });

  it("applyClientUpdate keeps the server copy when it is newer", () => {
    const withA2 = applyClientUpdate(state, { pageId: "page-1", elements: [rect("A", 2)] }).state;
    const stale = applyClientUpdate(withA2, { pageId: "page-1", elements: [rect("A", 1, 0, { x: 99 })] });
    expect(stale.accepted).toEqual([]);
    expect(stale.state).toBe(withA2);
  });
});

/** Two participants wired to one server through FIFO queues the test drains by hand. */
function room() {
  let server: SessionSyncState = createSessionSyncState(SESSION);
  const clients = { therapist: new SyncReplica(SESSION, "t"), patient: new SyncReplica(SESSION, "p") };
  type Name = keyof typeof clients;
  const toServer: Record<Name, ClientMessage[]> = { therapist: [], patient: [] };
  const toClient: Record<Name, ServerMessage[]> = { therapist: [], patient: [] };
  const connected: Record<Name, boolean> = { therapist: false, patient: false };
  const names = Object.keys(clients) as Name[];

  const connect = (name: Name) => {
    connected[name] = true;
    toClient[name].push(...structuredClone(snapshotMessages(server)));
  };
  const disconnect = (name: Name) => {
    connected[name] = false;
    toServer[name] = [];
    toClient[name] = [];
    clients[name].disconnected();
  };
  const send = (name: Name) => {
    if (connected[name]) toServer[name].push(...structuredClone(clients[name].takeOutgoing()));
  };
  const drain = () => {
    for (let busy = true; busy; ) {
      busy = false;
      for (const name of names) {
        send(name);
        for (const message of toServer[name].splice(0)) {
          busy = true;
          const handled = handleClientMessage(server, message.event, message.payload);
          server = handled.state;
          toClient[name].push({ event: "sync:ack", payload: handled.ack });
          for (const other of names) {
            if (other !== name && connected[other] && handled.broadcast) toClient[other].push(structuredClone(handled.broadcast));
          }
        }
        for (const message of toClient[name].splice(0)) {
          busy = true;
          clients[name].receive(message);
        }
      }
    }
  };
  return { clients, connect, disconnect, drain, server: () => server };
}

describe("two participants", () => {
  it("see each other's strokes, pages and homework", () => {
    const { clients, connect, drain, server } = room();
    connect("therapist");
    connect("patient");
    drain();

    const { page } = newPage(clients.therapist.board, { id: "p2", title: "Eyes", versionNonce: 4 });
    clients.therapist.applyLocalPages([page]);
    clients.therapist.applyLocalElements("p2", [rect("T1")]);
    clients.patient.applyLocalElements("page-1", [rect("P1")]);
    clients.therapist.applyLocalHomework([homework("h1")]);
    drain();

    for (const replica of Object.values(clients)) {
      expect(replica.board).toEqual(server().board);
      expect(replica.homework).toEqual(server().homework);
      expect(replica.pendingCount).toBe(0);
    }
    expect(clients.patient.board.pages.map((p) => p.id)).toEqual(["page-1", "p2"]);
    expect(visibleHomework(clients.patient.homework).map((i) => i.id)).toEqual(["h1"]);
  });

  it("resend what was lost in flight after a reconnect, and agree on concurrent edits", () => {
    const { clients, connect, disconnect, drain, server } = room();
    connect("therapist");
    connect("patient");
    clients.therapist.applyLocalElements("page-1", [rect("A")]);
    drain();

    // Both edit A at the same version; the patient's message is lost with its connection.
    const [a] = pageElements(clients.patient.board, "page-1");
    clients.patient.applyLocalElements("page-1", [withEdit(a, { x: 1 }, 10)]);
    clients.therapist.applyLocalElements("page-1", [withEdit(a, { x: 2 }, 20)]);
    clients.patient.takeOutgoing();
    disconnect("patient");
    drain();
    expect(pageElements(server().board, "page-1")[0]).toMatchObject({ x: 2 });

    connect("patient");
    drain();
    // Equal version 2: the lower nonce (10, the patient's) wins everywhere.
    expect(pageElements(server().board, "page-1")[0]).toMatchObject({ version: 2, versionNonce: 10, x: 1 });
    for (const replica of Object.values(clients)) {
      expect(replica.board).toEqual(server().board);
      expect(replica.pendingCount).toBe(0);
    }
  });

  it("a clear reaches the other participant as tombstones", () => {
    const { clients, connect, drain, server } = room();
    connect("therapist");
    connect("patient");
    clients.patient.applyLocalElements("page-1", [rect("A"), rect("B", 1, 0, { index: "a1" })]);
    drain();
    const tombstones = liveElements(pageElements(clients.therapist.board, "page-1")).map((e) =>
      withEdit(e, { isDeleted: true }, 1),
    );
    clients.therapist.applyLocalElements("page-1", tombstones);
    drain();
    expect(liveElements(pageElements(clients.patient.board, "page-1"))).toEqual([]);
    expect(clients.patient.board).toEqual(server().board);
    expect(createBoard().pages).toEqual(server().board.pages);
  });
});
