/**
 * The live state of each session's board and homework list on this app instance: loaded from the
 * database on first use, changed by the pure sync protocol (server/domain/collab/sync-protocol), relayed
 * to the other participants at once, and saved debounced — one transaction for all sessions' changes
 * of each {@link BOARD_SAVE_DEBOUNCE_MS} window (a busy server writes in batches). A change is acknowledged only once it is saved, so whatever a
 * client saw acknowledged survives a restart; anything unacknowledged stays in the client's outbox and
 * is sent again after a reconnect (server/domain/collab/sync-replica).
 */
import type { Server } from "socket.io";
import type { BoardElement, BoardPage } from "../domain/collab/board-reconcile";
import type { HomeworkItem } from "../domain/collab/homework-list";
import { type AckMessage, handleClientMessage, type SessionSyncState, SYNC_EVENTS } from "../domain/collab/sync-protocol";
import type { AppServices } from "../services/context";
import type { AuditEntry } from "../services/audit";
import type { CallUser } from "../services/sessions/access";
import { loadSessionSyncState, persistManySyncChanges, type SyncChanges } from "../services/board/session-sync";
import { rooms } from "./constants";

/** Save window: acks wait at most about this long; every version of a stroke drawn within it is one write. */
export const BOARD_SAVE_DEBOUNCE_MS = 200;
const SAVE_SESSIONS_PER_TRANSACTION = 8;
/** A session nobody has touched for this long is dropped from memory (it is all in the database). */
export const BOARD_IDLE_EVICT_MS = 10 * 60_000;

/** Drawing is audited as one `board.changed` per user and session at most this often (see queueAudit). */
export const BOARD_AUDIT_EVERY_MS = 5 * 60_000;

interface SessionEntry {
  state: SessionSyncState;
  locked: boolean;
  lastUsed: number;
  /** When each user's drawing on this board was last put in the audit trail. */
  boardAuditedAt: Map<string, number>;
}

type HopObserver = (hopMs: number, event: string) => void;
let hopObserver: HopObserver | null = null;
/** Test and benchmark hook: called with the receive → relay time of every relayed change. */
export function setBoardHopObserver(observer: HopObserver | null): void {
  hopObserver = observer;
}

export class SyncRejected extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const emptyChanges = (): SyncChanges & { audit: AuditEntry[] } => ({ pages: [], elements: new Map(), homework: [], audit: [] });

/** Who sent a change, for the audit trail: the acting user and the session's patient. */
export interface ChangeAuthor {
  actor: CallUser;
  patientId: string;
}

export class BoardHub {
  private readonly sessions = new Map<string, SessionEntry>();
  private readonly loading = new Map<string, Promise<SessionEntry>>();
  private readonly sweeper: ReturnType<typeof setInterval>;
  private pending = new Map<string, SyncChanges & { audit: AuditEntry[] }>();
  private waiters: { resolve: () => void; reject: (error: unknown) => void }[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private saving: Promise<void> = Promise.resolve();

  constructor(
    private readonly services: AppServices,
    private readonly io: Server,
  ) {
    this.sweeper = setInterval(() => this.sweep(), 60_000);
    this.sweeper.unref();
  }

  async entry(sessionId: string): Promise<SessionEntry> {
    const known = this.sessions.get(sessionId);
    if (known) {
      known.lastUsed = Date.now();
      return known;
    }
    let loading = this.loading.get(sessionId);
    if (!loading) {
      loading = loadSessionSyncState(this.services, sessionId).then(({ state, locked }) => {
        const entry: SessionEntry = { state, locked, lastUsed: Date.now(), boardAuditedAt: new Map() };
        this.sessions.set(sessionId, entry);
        this.loading.delete(sessionId);
        return entry;
      });
      loading.catch(() => this.loading.delete(sessionId));
      this.loading.set(sessionId, loading);
    }
    return loading;
  }

  /**
   * One client message: check and merge (pure), relay to the others in the call, then resolve once
   * saved. Throws {@link SyncRejected} for a bad message (nothing applied, nobody else affected).
   */
  async apply(
    sessionId: string,
    event: string,
    payload: unknown,
    relayFrom: { to(room: string): { emit(event: string, payload: unknown): boolean } },
    author?: ChangeAuthor,
  ): Promise<AckMessage> {
    let entry = await this.entry(sessionId);
    const received = performance.now();
    let result = handleClientMessage(entry.state, event, payload);
    if (!result.ack.ok && result.ack.code === "UNKNOWN_PAGE") {
      // Another app instance may have created the page: read the board again once.
      this.sessions.delete(sessionId);
      entry = await this.entry(sessionId);
      result = handleClientMessage(entry.state, event, payload);
    }
    if (!result.ack.ok) {
      const detail = result.ack.errors.map((e) => `${e.field || "message"} ${e.message}`).join("; ");
      throw new SyncRejected(result.ack.code, `The change was refused: ${detail || result.ack.code}.`);
    }
    entry.state = result.state;
    if (result.broadcast) {
      relayFrom.to(rooms.call(sessionId)).emit(result.broadcast.event, result.broadcast.payload);
      hopObserver?.(performance.now() - received, event);
      this.queue(sessionId, result.broadcast, author && { ...author, entry });
      await this.saved();
    }
    return result.ack;
  }

  private queue(sessionId: string, broadcast: NonNullable<ReturnType<typeof handleClientMessage>["broadcast"]>, author?: ChangeAuthor & { entry: SessionEntry }): void {
    let pending = this.pending.get(sessionId);
    if (!pending) {
      pending = emptyChanges();
      this.pending.set(sessionId, pending);
    }
    if (author) this.queueAudit(pending.audit, sessionId, broadcast, author);
    if (broadcast.event === SYNC_EVENTS.boardUpdate) {
      // Accepted elements are the state's winners: a later one of the same id replaces an earlier one.
      const { pageId, elements } = broadcast.payload as { pageId: string; elements: BoardElement[] };
      const byId = new Map((pending.elements.get(pageId) ?? []).map((e) => [e.id, e]));
      for (const element of elements) byId.set(element.id, element);
      pending.elements.set(pageId, [...byId.values()]);
    } else if (broadcast.event === SYNC_EVENTS.boardPage) {
      pending.pages.push(...(broadcast.payload as { pages: BoardPage[] }).pages);
    } else if (broadcast.event === SYNC_EVENTS.homeworkUpsert) {
      pending.homework.push(...(broadcast.payload as { items: HomeworkItem[] }).items);
    }
  }

  /**
   * The audit rows saved with the changes: one per homework change (with its author). Drawing is
   * summarised as one `board.changed` per user and session every {@link BOARD_AUDIT_EVERY_MS}: who drew
   * on which session's board and when is what an auditor needs, and a row per save window (measured:
   * e2e p95 16 → 27 ms at 100 sessions on PGlite) would slow every call's whiteboard.
   */
  private queueAudit(entries: AuditEntry[], sessionId: string, broadcast: { event: string; payload: unknown }, { actor, patientId, entry }: ChangeAuthor & { entry: SessionEntry }): void {
    if (broadcast.event === SYNC_EVENTS.homeworkUpsert) {
      const items = (broadcast.payload as { items: HomeworkItem[] }).items;
      const action = items.length > 0 && items.every((item) => item.isDeleted) ? "homework.removed" : "homework.changed";
      entries.push({ actor, action, recordType: "session_homework", recordId: sessionId, patientId });
      return;
    }
    const now = Date.now();
    if (now - (entry.boardAuditedAt.get(actor.userId) ?? -Infinity) < BOARD_AUDIT_EVERY_MS) return;
    // Forgotten with the entry if the save fails (the session is then read again), so the resent change is audited.
    entry.boardAuditedAt.set(actor.userId, now);
    entries.push({ actor, action: "board.changed", recordType: "session_board", recordId: sessionId, patientId });
  }

  private saved(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.waiters.push({ resolve, reject });
      this.timer ??= setTimeout(() => void this.flush(), BOARD_SAVE_DEBOUNCE_MS);
    });
  }

  /** Saves what is pending now (after any save in progress), and settles its waiters. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const changes = this.pending;
    const waiters = this.waiters;
    this.pending = new Map();
    this.waiters = [];
    this.saving = this.saving.then(async () => {
      if (waiters.length === 0) return;
      try {
        // Small transactions with a turn of the event loop between them: on the embedded database
        // (PGlite runs in this thread) one big write would stall every relay meanwhile.
        const sessions = [...changes.entries()];
        for (let i = 0; i < sessions.length; i += SAVE_SESSIONS_PER_TRANSACTION) {
          if (i > 0) await new Promise((r) => setImmediate(r));
          await persistManySyncChanges(this.services, new Map(sessions.slice(i, i + SAVE_SESSIONS_PER_TRANSACTION)));
        }
        for (const w of waiters) w.resolve();
      } catch (error) {
        this.services.logger.error({ event: "board.save_failed", sessions: changes.size }, "board changes could not be saved");
        // The in-memory state may now be ahead of the database: read it again next time.
        for (const sessionId of changes.keys()) this.sessions.delete(sessionId);
        for (const w of waiters) w.reject(new SyncRejected("SAVE_FAILED", "The change could not be saved; it will be sent again."));
      }
    });
    return this.saving;
  }

  /** Saves everything pending (the session is ending) and forgets the session. */
  async flushSession(sessionId: string): Promise<void> {
    await this.flush();
    this.sessions.delete(sessionId);
  }

  private sweep(): void {
    const cutoff = Date.now() - BOARD_IDLE_EVICT_MS;
    for (const [sessionId, entry] of this.sessions) {
      if (entry.lastUsed < cutoff && !this.pending.has(sessionId) && this.io.sockets.adapter.rooms.get(rooms.call(sessionId)) === undefined) {
        this.sessions.delete(sessionId);
      }
    }
  }

  /** Sessions held in memory (for the benchmark). */
  get size(): number {
    return this.sessions.size;
  }
}

const hubs = new WeakMap<Server, BoardHub>();

export function boardHub(services: AppServices, io: Server): BoardHub {
  let hub = hubs.get(io);
  if (!hub) {
    hub = new BoardHub(services, io);
    hubs.set(io, hub);
  }
  return hub;
}
