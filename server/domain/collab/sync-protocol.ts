/**
 * The live-session sync protocol: message shapes over socket.io and the pure functions the socket
 * server calls on every message, so the convergence fuzz test (./sync-fuzz.test.ts) runs the very code
 * the server runs.
 *
 * Flow. A client sends only what changed (`board:update`, `board:page`, `homework:upsert`), each with
 * an `ackId`. The server checks it ({@link handleClientMessage}), merges it into the session state with
 * last-writer-wins, answers the sender with a `sync:ack`, and relays what it accepted to the other
 * participants. On (re)connect the server sends the whole state (`board:snapshot`,
 * `homework:snapshot`) and the client resends every change not yet acknowledged (./sync-replica).
 * socket.io keeps each connection FIFO; what is in flight when a connection drops is lost, which the
 * snapshot plus resend makes up for.
 *
 * The realtime adapter checks that the socket is a participant of `sessionId` (and that only the
 * therapist writes homework) before calling in here; the service saving the state merges again inside
 * its transaction, with the same functions, against the rows it has just read.
 */
import {
  type Board,
  type BoardElement,
  type BoardPage,
  checkBoardElements,
  checkBoardPages,
  createBoard,
  findPage,
  mergePageElements,
  reconcilePagesWithChanges,
} from "./board-reconcile";
import { checkHomeworkItems, type HomeworkItem, reconcileHomeworkWithChanges } from "./homework-list";
import { checkRecord, checkSafeId, type PayloadError, payloadError } from "./payload-checks";

export const SYNC_EVENTS = Object.freeze({
  boardUpdate: "board:update",
  boardPage: "board:page",
  boardSnapshot: "board:snapshot",
  homeworkUpsert: "homework:upsert",
  homeworkSnapshot: "homework:snapshot",
  ack: "sync:ack",
} as const);

/** Client-chosen id of one message, echoed in its `sync:ack`. */
export interface WithAckId {
  ackId: string;
}

// Client → server -----------------------------------------------------------------------------------

/** Changed elements of one page. */
export interface BoardUpdateMessage extends WithAckId {
  sessionId: string;
  pageId: string;
  elements: BoardElement[];
}

/** New or changed page records ("new page", rename). */
export interface BoardPageMessage extends WithAckId {
  sessionId: string;
  pages: BoardPage[];
}

/** New, changed or deleted homework items. */
export interface HomeworkUpsertMessage extends WithAckId {
  sessionId: string;
  items: HomeworkItem[];
}

// Server → client -----------------------------------------------------------------------------------

export interface BoardSnapshotMessage {
  sessionId: string;
  board: Board;
}

/** Relay of accepted changes: the client messages without their ackId. */
export type BoardUpdateBroadcast = Omit<BoardUpdateMessage, "ackId">;
export type BoardPageBroadcast = Omit<BoardPageMessage, "ackId">;
export type HomeworkUpsertBroadcast = Omit<HomeworkUpsertMessage, "ackId">;

export interface HomeworkSnapshotMessage {
  sessionId: string;
  items: HomeworkItem[];
}

export type SyncRejectionCode = "INVALID_PAYLOAD" | "UNKNOWN_EVENT" | "WRONG_SESSION" | "UNKNOWN_PAGE";

/**
 * The answer to one client message. `ok: true`: the server state now holds each record sent, or a
 * winner over it. `ok: false`: nothing was applied; resending the same payload will not help.
 */
export type AckMessage =
  | { ackId: string; ok: true }
  | { ackId: string | null; ok: false; code: SyncRejectionCode; errors: PayloadError[] };

/** socket.io event maps (`new Server<ClientToServerEvents, ServerToClientEvents>()`). */
export interface ClientToServerEvents {
  "board:update": (message: BoardUpdateMessage) => void;
  "board:page": (message: BoardPageMessage) => void;
  "homework:upsert": (message: HomeworkUpsertMessage) => void;
}

export interface ServerToClientEvents {
  "board:snapshot": (message: BoardSnapshotMessage) => void;
  "board:update": (message: BoardUpdateBroadcast) => void;
  "board:page": (message: BoardPageBroadcast) => void;
  "homework:snapshot": (message: HomeworkSnapshotMessage) => void;
  "homework:upsert": (message: HomeworkUpsertBroadcast) => void;
  "sync:ack": (message: AckMessage) => void;
}

type EventMessage<Events> = {
  [E in keyof Events]: Events[E] extends (message: infer M) => void ? { event: E; payload: M } : never;
}[keyof Events];

/** One client → server message as `{ event, payload }`. */
export type ClientMessage = EventMessage<ClientToServerEvents>;
/** One server → client message as `{ event, payload }`. */
export type ServerMessage = EventMessage<ServerToClientEvents>;

// Server state and handlers -------------------------------------------------------------------------

/** The authoritative state of one live session, as the server keeps and persists it. */
export interface SessionSyncState {
  sessionId: string;
  board: Board;
  /** Sorted, tombstones included. */
  homework: HomeworkItem[];
}

export function createSessionSyncState(sessionId: string): SessionSyncState {
  return { sessionId, board: createBoard(), homework: [] };
}

/**
 * Merges a checked board update into the state. Precondition (checked by {@link handleClientMessage}):
 * the session matches and the page exists. `accepted` are the elements that changed the state: the
 * ones to save and to relay.
 */
export function applyClientUpdate(
  state: SessionSyncState,
  update: { pageId: string; elements: readonly BoardElement[] },
): { state: SessionSyncState; accepted: BoardElement[] } {
  const { board, accepted } = mergePageElements(state.board, update.pageId, update.elements);
  return { state: accepted.length > 0 ? { ...state, board } : state, accepted };
}

export function applyPageUpsert(
  state: SessionSyncState,
  update: { pages: readonly BoardPage[] },
): { state: SessionSyncState; accepted: BoardPage[] } {
  const { pages, accepted } = reconcilePagesWithChanges(state.board.pages, update.pages);
  return { state: accepted.length > 0 ? { ...state, board: { ...state.board, pages } } : state, accepted };
}

export function applyHomeworkUpsert(
  state: SessionSyncState,
  update: { items: readonly HomeworkItem[] },
): { state: SessionSyncState; accepted: HomeworkItem[] } {
  const { items, accepted } = reconcileHomeworkWithChanges(state.homework, update.items);
  return { state: accepted.length > 0 ? { ...state, homework: items } : state, accepted };
}

export interface HandledMessage {
  state: SessionSyncState;
  /** Goes back to the sender only. */
  ack: AckMessage;
  /** Goes to every other participant of the session; null when nothing changed. */
  broadcast: ServerMessage | null;
}

/**
 * Everything the server does with one incoming message, `payload` straight off the socket: check it,
 * merge it, answer, and say what to relay. Nothing is applied when the check fails.
 */
export function handleClientMessage(state: SessionSyncState, event: string, payload: unknown): HandledMessage {
  const errors: PayloadError[] = [];
  const reject = (code: SyncRejectionCode, ackId: string | null): HandledMessage => ({
    state,
    ack: { ackId, ok: false, code, errors },
    broadcast: null,
  });
  if (!checkRecord(payload, [], errors)) return reject("INVALID_PAYLOAD", null);
  const ackId = checkSafeId(payload.ackId, ["ackId"], errors) ? payload.ackId : null;
  if (!checkSafeId(payload.sessionId, ["sessionId"], errors)) return reject("INVALID_PAYLOAD", ackId);
  if (payload.sessionId !== state.sessionId) {
    errors.push(payloadError(["sessionId"], "INVALID_FORMAT", "is not this session"));
    return reject("WRONG_SESSION", ackId);
  }
  const { sessionId } = state;

  switch (event) {
    case SYNC_EVENTS.boardUpdate: {
      checkSafeId(payload.pageId, ["pageId"], errors);
      checkBoardElements(payload.elements, ["elements"], errors);
      if (errors.length > 0 || ackId === null) return reject("INVALID_PAYLOAD", ackId);
      const pageId = payload.pageId as string;
      if (!findPage(state.board, pageId)) {
        errors.push(payloadError(["pageId"], "INVALID_FORMAT", "is not a page of this board"));
        return reject("UNKNOWN_PAGE", ackId);
      }
      const applied = applyClientUpdate(state, { pageId, elements: payload.elements as BoardElement[] });
      return {
        state: applied.state,
        ack: { ackId, ok: true },
        broadcast:
          applied.accepted.length > 0
            ? { event: SYNC_EVENTS.boardUpdate, payload: { sessionId, pageId, elements: applied.accepted } }
            : null,
      };
    }
    case SYNC_EVENTS.boardPage: {
      checkBoardPages(payload.pages, ["pages"], errors);
      if (errors.length > 0 || ackId === null) return reject("INVALID_PAYLOAD", ackId);
      const applied = applyPageUpsert(state, { pages: payload.pages as BoardPage[] });
      return {
        state: applied.state,
        ack: { ackId, ok: true },
        broadcast:
          applied.accepted.length > 0
            ? { event: SYNC_EVENTS.boardPage, payload: { sessionId, pages: applied.accepted } }
            : null,
      };
    }
    case SYNC_EVENTS.homeworkUpsert: {
      checkHomeworkItems(payload.items, ["items"], errors);
      if (errors.length > 0 || ackId === null) return reject("INVALID_PAYLOAD", ackId);
      const applied = applyHomeworkUpsert(state, { items: payload.items as HomeworkItem[] });
      return {
        state: applied.state,
        ack: { ackId, ok: true },
        broadcast:
          applied.accepted.length > 0
            ? { event: SYNC_EVENTS.homeworkUpsert, payload: { sessionId, items: applied.accepted } }
            : null,
      };
    }
    default:
      errors.push(payloadError([], "INVALID_FORMAT", `unknown event ${JSON.stringify(event)}`));
      return reject("UNKNOWN_EVENT", ackId);
  }
}

/** What a (re)connecting participant receives first: the whole board and homework list. */
export function snapshotMessages(state: SessionSyncState): ServerMessage[] {
  return [
    { event: SYNC_EVENTS.boardSnapshot, payload: { sessionId: state.sessionId, board: state.board } },
    { event: SYNC_EVENTS.homeworkSnapshot, payload: { sessionId: state.sessionId, items: state.homework } },
  ];
}
