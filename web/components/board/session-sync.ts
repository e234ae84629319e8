/**
 * The browser's copy of a live session's board and homework list: the domain's SyncReplica (outbox,
 * acks, resend after a reconnect) wired to the call's socket. One per session and socket, shared by
 * the whiteboard and the homework panel; no Excalidraw here, so the homework panel stays light.
 */
import type { Socket } from "socket.io-client";
import type { Board } from "../../../server/domain/collab/board-reconcile";
import type { HomeworkItem } from "../../../server/domain/collab/homework-list";
import type { AckMessage, ServerMessage } from "../../../server/domain/collab/sync-protocol";
import { SyncReplica } from "../../../server/domain/collab/sync-replica";

export type SyncRole = "therapist" | "patient" | "guest_staff";
export type SyncEvent = { kind: "snapshot" } | { kind: "remote"; event: string; pageId?: string } | { kind: "local" } | { kind: "lock" } | { kind: "error"; message: string } | { kind: "pointer"; pointer: RemotePointer };
export interface RemotePointer {
  userId: string;
  name: string;
  pageId: string;
  x: number;
  y: number;
  button?: "up" | "down";
}

type Ack = { ok: boolean; error?: string; message?: string; data?: unknown };
const PERMANENT = new Set(["INVALID_PAYLOAD", "UNKNOWN_PAGE", "WRONG_SESSION", "UNKNOWN_EVENT", "FORBIDDEN", "BOARD_LOCKED"]);
const FLUSH_DELAY_MS = 16;
const RETRY_MS = 500;

export class SessionSync {
  readonly replica: SyncReplica;
  role: SyncRole | null = null;
  locked = false;
  ready = false;
  lastError: string | null = null;
  private readonly listeners = new Set<(e: SyncEvent) => void>();
  private flushTimer: ReturnType<typeof setTimeout> | undefined;
  private joinTimer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;

  constructor(
    readonly socket: Socket,
    readonly sessionId: string,
  ) {
    this.replica = new SyncReplica(sessionId, `c${Math.random().toString(36).slice(2, 10)}`);
    const relay = (event: "board:update" | "board:page" | "homework:upsert") => (payload: { sessionId: string; pageId?: string }) => {
      if (payload.sessionId !== sessionId) return;
      this.replica.receive({ event, payload } as ServerMessage);
      this.emit({ kind: "remote", event, pageId: payload.pageId });
    };
    this.handlers = {
      "board:update": relay("board:update"),
      "board:page": relay("board:page"),
      "homework:upsert": relay("homework:upsert"),
      "board:lock": (p: { sessionId: string; locked: boolean }) => {
        if (p.sessionId !== sessionId) return;
        this.locked = p.locked;
        this.emit({ kind: "lock" });
      },
      "board:pointer": (p: RemotePointer & { sessionId: string }) => p.sessionId === sessionId && this.emit({ kind: "pointer", pointer: p }),
      disconnect: () => {
        this.ready = false;
        this.replica.disconnected();
      },
      connect: () => this.scheduleJoin(RETRY_MS),
    };
    for (const [event, handler] of Object.entries(this.handlers)) socket.on(event, handler as never);
    this.scheduleJoin(0);
  }

  private readonly handlers: Record<string, (...args: never[]) => void>;

  subscribe(listener: (e: SyncEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(e: SyncEvent): void {
    for (const l of this.listeners) l(e);
  }

  get board(): Board {
    return this.replica.board;
  }

  get homework(): HomeworkItem[] {
    return this.replica.homework;
  }

  /** Opens the board; retried while the call (re)join is still under way after a reconnect. */
  private scheduleJoin(delay: number): void {
    clearTimeout(this.joinTimer);
    this.joinTimer = setTimeout(() => void this.join(), delay);
  }

  private async join(): Promise<void> {
    if (this.stopped || !this.socket.connected) return;
    const ack = (await this.socket.emitWithAck("board:join", { sessionId: this.sessionId })) as Ack;
    if (!ack.ok) {
      if (ack.error === "NOT_IN_CALL") this.scheduleJoin(RETRY_MS);
      return;
    }
    const data = ack.data as { role: SyncRole; locked: boolean; board: Board; homework: HomeworkItem[] };
    this.replica.receive({ event: "board:snapshot", payload: { sessionId: this.sessionId, board: data.board } });
    this.replica.receive({ event: "homework:snapshot", payload: { sessionId: this.sessionId, items: data.homework } });
    this.role = data.role;
    this.locked = data.locked;
    this.ready = true;
    this.emit({ kind: "snapshot" });
    this.flush();
  }

  /** Local changes are in the replica: send them soon (several quick edits go in one message). */
  changed(): void {
    this.emit({ kind: "local" });
    this.flushTimer ??= setTimeout(() => {
      this.flushTimer = undefined;
      this.flush();
    }, FLUSH_DELAY_MS);
  }

  flush(): void {
    if (!this.ready || !this.socket.connected) return;
    for (const message of this.replica.takeOutgoing()) {
      const ackId = (message.payload as { ackId: string }).ackId;
      void this.socket.emitWithAck(message.event, message.payload).then((ack: Ack) => {
        if (ack.ok) {
          this.replica.receive({ event: "sync:ack", payload: ack.data as AckMessage });
        } else if (PERMANENT.has(ack.error ?? "")) {
          this.replica.receive({ event: "sync:ack", payload: { ackId, ok: false, code: "INVALID_PAYLOAD", errors: [] } });
          this.lastError = ack.message ?? "A change was refused.";
          this.emit({ kind: "error", message: this.lastError });
        } else {
          // Not saved (server busy, restarting, call rejoin in progress): everything unacknowledged goes again.
          this.replica.disconnected();
          setTimeout(() => this.flush(), RETRY_MS);
        }
      });
    }
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.joinTimer);
    clearTimeout(this.flushTimer);
    for (const [event, handler] of Object.entries(this.handlers)) this.socket.off(event, handler as never);
  }
}

const clients = new Map<string, { socket: Socket; sync: SessionSync; users: number }>();

/** The shared sync of this session on this socket (reference-counted by the panels using it). */
export function acquireSessionSync(socket: Socket, sessionId: string): { sync: SessionSync; release: () => void } {
  let entry = clients.get(sessionId);
  if (!entry || entry.socket !== socket) {
    entry?.sync.stop();
    entry = { socket, sync: new SessionSync(socket, sessionId), users: 0 };
    clients.set(sessionId, entry);
  }
  entry.users += 1;
  const held = entry;
  return {
    sync: held.sync,
    release: () => {
      held.users -= 1;
      // Released a moment later, so a re-render (or both panels remounting) keeps the same replica.
      setTimeout(() => {
        if (held.users === 0 && clients.get(sessionId) === held) {
          held.sync.stop();
          clients.delete(sessionId);
        }
      }, 1000);
    },
  };
}
