/**
 * A participant's copy of the session state and its outbox: the client half of ./sync-protocol, kept
 * free of socket and UI code so the session page and the fuzz test drive the same logic.
 *
 * Local changes (already version-bumped, as Excalidraw hands them over) go into the replica and into
 * the outbox. `takeOutgoing()` turns not-yet-sent changes into messages; an ack removes a change from
 * the outbox unless it was edited again meanwhile. A dropped connection loses whatever was in flight,
 * so `disconnected()` marks the whole outbox unsent again and the next `takeOutgoing()` resends it
 * after the snapshot. A change that a newer remote version has overtaken leaves the outbox: the
 * server already holds something better.
 */
import {
  type Board,
  type BoardElement,
  type BoardPage,
  createBoard,
  findPage,
  MAX_ELEMENTS_PER_UPDATE,
  MAX_PAGES_PER_UPDATE,
  mergeBoard,
  mergePageElements,
  pageElements,
  reconcilePages,
} from "./board-reconcile";
import { type HomeworkItem, MAX_ITEMS_PER_UPSERT, reconcileHomework } from "./homework-list";
import { isSameState, type Versioned } from "./last-writer-wins";
import {
  type AckMessage,
  type ClientMessage,
  type ServerMessage,
  SYNC_EVENTS,
} from "./sync-protocol";

/** Changes waiting for an ack, per record id: the latest local state, and whether it went out yet. */
class Outbox<T extends Versioned> {
  private readonly pending = new Map<string, T>();
  private readonly unsent = new Set<string>();

  put(record: T): void {
    this.pending.set(record.id, record);
    this.unsent.add(record.id);
  }

  takeUnsent(): T[] {
    const records = [...this.unsent].map((id) => this.pending.get(id) as T);
    this.unsent.clear();
    return records;
  }

  /** The server holds `sent` (or better): forget it, unless it was edited again since. */
  acknowledge(sent: readonly T[]): void {
    for (const record of sent) {
      const current = this.pending.get(record.id);
      if (current && isSameState(current, record)) {
        this.pending.delete(record.id);
        this.unsent.delete(record.id);
      }
    }
  }

  /** Forget changes the replica no longer holds (a newer remote version won over them). */
  dropOvertaken(current: (id: string) => T | undefined, ids: Iterable<string> = [...this.pending.keys()]): void {
    for (const id of ids) {
      const record = this.pending.get(id);
      if (!record) continue;
      const now = current(id);
      if (!now || !isSameState(now, record)) {
        this.pending.delete(id);
        this.unsent.delete(id);
      }
    }
  }

  resendAll(): void {
    for (const id of this.pending.keys()) this.unsent.add(id);
  }

  get size(): number {
    return this.pending.size;
  }

  get hasUnsent(): boolean {
    return this.unsent.size > 0;
  }
}

type InFlight =
  | { kind: "elements"; pageId: string; records: BoardElement[] }
  | { kind: "pages"; records: BoardPage[] }
  | { kind: "homework"; records: HomeworkItem[] };

export class SyncReplica {
  board: Board = createBoard();
  /** Sorted, tombstones included. */
  homework: HomeworkItem[] = [];
  /** Rejected messages, for the UI to report (a rejection means a client bug, not a user error). */
  readonly rejections: Extract<AckMessage, { ok: false }>[] = [];

  private readonly pageOutbox = new Outbox<BoardPage>();
  private readonly elementOutboxes = new Map<string, Outbox<BoardElement>>();
  private readonly homeworkOutbox = new Outbox<HomeworkItem>();
  private readonly inFlight = new Map<string, InFlight>();
  private sequence = 0;

  /** `clientId` prefixes the ack ids: letters, digits, "_" and "-", unique per connection attempt. */
  constructor(
    readonly sessionId: string,
    private readonly clientId: string,
  ) {}

  // Local changes -----------------------------------------------------------------------------------

  /**
   * Elements the local Excalidraw changed on `pageId` (new versions already assigned). Passing the
   * whole scene from `onChange` is fine: only elements that change the replica enter the outbox.
   */
  applyLocalElements(pageId: string, elements: readonly BoardElement[]): void {
    const { board, accepted } = mergePageElements(this.board, pageId, elements);
    this.board = board;
    const outbox = this.elementOutbox(pageId);
    for (const element of accepted) outbox.put(element);
  }

  applyLocalPages(pages: readonly BoardPage[]): void {
    const before = this.board.pages;
    this.board = { ...this.board, pages: reconcilePages(before, pages) };
    for (const page of pages) if (findPage(this.board, page.id) === page) this.pageOutbox.put(page);
  }

  applyLocalHomework(items: readonly HomeworkItem[]): void {
    this.homework = reconcileHomework(this.homework, items);
    for (const item of items) if (this.homework.includes(item)) this.homeworkOutbox.put(item);
  }

  /**
   * Queue every element of a page for sending again, as Excalidraw resends the full scene now and
   * then: a cheap repair for anything a bug may have lost, harmless since merging is idempotent.
   */
  queueFullPage(pageId: string): void {
    const outbox = this.elementOutbox(pageId);
    for (const element of pageElements(this.board, pageId)) outbox.put(element);
  }

  // Connection --------------------------------------------------------------------------------------

  /** Messages for every change not sent yet: pages first, so elements never precede their page. */
  takeOutgoing(): ClientMessage[] {
    const messages: ClientMessage[] = [];
    const { sessionId } = this;
    for (const pages of chunks(this.pageOutbox.takeUnsent(), MAX_PAGES_PER_UPDATE)) {
      const ackId = this.nextAckId();
      this.inFlight.set(ackId, { kind: "pages", records: pages });
      messages.push({ event: SYNC_EVENTS.boardPage, payload: { sessionId, ackId, pages } });
    }
    for (const [pageId, outbox] of this.elementOutboxes) {
      for (const elements of chunks(outbox.takeUnsent(), MAX_ELEMENTS_PER_UPDATE)) {
        const ackId = this.nextAckId();
        this.inFlight.set(ackId, { kind: "elements", pageId, records: elements });
        messages.push({ event: SYNC_EVENTS.boardUpdate, payload: { sessionId, ackId, pageId, elements } });
      }
    }
    for (const items of chunks(this.homeworkOutbox.takeUnsent(), MAX_ITEMS_PER_UPSERT)) {
      const ackId = this.nextAckId();
      this.inFlight.set(ackId, { kind: "homework", records: items });
      messages.push({ event: SYNC_EVENTS.homeworkUpsert, payload: { sessionId, ackId, items } });
    }
    return messages;
  }

  /** The connection dropped: nothing in flight will be acknowledged; send it all again next time. */
  disconnected(): void {
    this.inFlight.clear();
    this.pageOutbox.resendAll();
    for (const outbox of this.elementOutboxes.values()) outbox.resendAll();
    this.homeworkOutbox.resendAll();
  }

  /** Changes the server has not acknowledged yet. */
  get pendingCount(): number {
    let count = this.pageOutbox.size + this.homeworkOutbox.size;
    for (const outbox of this.elementOutboxes.values()) count += outbox.size;
    return count;
  }

  get hasUnsent(): boolean {
    return (
      this.pageOutbox.hasUnsent ||
      this.homeworkOutbox.hasUnsent ||
      [...this.elementOutboxes.values()].some((outbox) => outbox.hasUnsent)
    );
  }

  // Incoming ----------------------------------------------------------------------------------------

  receive(message: ServerMessage): void {
    switch (message.event) {
      case "board:snapshot": {
        this.board = mergeBoard(this.board, message.payload.board);
        this.pageOutbox.dropOvertaken((id) => findPage(this.board, id));
        for (const [pageId, outbox] of this.elementOutboxes) {
          const current = new Map(pageElements(this.board, pageId).map((element) => [element.id, element]));
          outbox.dropOvertaken((id) => current.get(id));
        }
        return;
      }
      case "board:update": {
        const { pageId, elements } = message.payload;
        this.board = mergePageElements(this.board, pageId, elements).board;
        const current = new Map(pageElements(this.board, pageId).map((element) => [element.id, element]));
        this.elementOutboxes.get(pageId)?.dropOvertaken((id) => current.get(id), elements.map((e) => e.id));
        return;
      }
      case "board:page": {
        const { pages } = message.payload;
        this.board = { ...this.board, pages: reconcilePages(this.board.pages, pages) };
        this.pageOutbox.dropOvertaken((id) => findPage(this.board, id), pages.map((page) => page.id));
        return;
      }
      case "homework:snapshot":
      case "homework:upsert": {
        const { items } = message.payload;
        this.homework = reconcileHomework(this.homework, items);
        const current = new Map(this.homework.map((item) => [item.id, item]));
        this.homeworkOutbox.dropOvertaken(
          (id) => current.get(id),
          message.event === "homework:upsert" ? items.map((item) => item.id) : undefined,
        );
        return;
      }
      case "sync:ack":
        this.acknowledge(message.payload);
        return;
    }
  }

  private acknowledge(ack: AckMessage): void {
    if (!ack.ok) this.rejections.push(ack);
    if (ack.ackId === null) return;
    const sent = this.inFlight.get(ack.ackId);
    if (!sent) return;
    this.inFlight.delete(ack.ackId);
    // A rejected message is dropped too: resending the same payload would be rejected again.
    if (sent.kind === "pages") this.pageOutbox.acknowledge(sent.records);
    else if (sent.kind === "homework") this.homeworkOutbox.acknowledge(sent.records);
    else this.elementOutbox(sent.pageId).acknowledge(sent.records);
  }

  private elementOutbox(pageId: string): Outbox<BoardElement> {
    let outbox = this.elementOutboxes.get(pageId);
    if (!outbox) {
      outbox = new Outbox<BoardElement>();
      this.elementOutboxes.set(pageId, outbox);
    }
    return outbox;
  }

  private nextAckId(): string {
    this.sequence += 1;
    return `${this.clientId}-${this.sequence}`;
  }
}

function chunks<T>(records: T[], size: number): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < records.length; i += size) result.push(records.slice(i, i + size));
  return result;
}
