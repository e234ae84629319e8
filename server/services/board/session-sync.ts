/**
 * Persistence of a live session's board and homework list. The socket layer (server/realtime/board-hub)
 * keeps the state in memory and calls these; every save merges again inside its transaction with the
 * domain's last-writer-wins rule, against the rows it has just read, so two app instances (or a
 * restart between a read and a write) can never replace a newer record with an older one.
 */
import { type BoardElement, type BoardPage, createBoard, reconcileElements, reconcilePages } from "../../domain/collab/board-reconcile";
import { type HomeworkItem, reconcileHomework, visibleHomework } from "../../domain/collab/homework-list";
import { mergeVersioned, type Versioned } from "../../domain/collab/last-writer-wins";
import { createSessionSyncState, type SessionSyncState } from "../../domain/collab/sync-protocol";
import { jsonb } from "../../jobs/queue";
import { audit, auditAll, type AuditEntry } from "../audit";
import type { AppServices } from "../context";
import { type CallUser, getCallContext } from "../sessions/access";

export interface SyncChanges {
  pages: BoardPage[];
  elements: Map<string, BoardElement[]>;
  homework: HomeworkItem[];
  /** Who changed what (audit trail), written in the same transaction as the changes. */
  audit?: AuditEntry[];
}

export async function loadSessionSyncState(services: AppServices, sessionId: string): Promise<{ state: SessionSyncState; locked: boolean }> {
  const [pages, elements, items, board] = await Promise.all([
    services.db.selectFrom("boardPage").select("data").where("sessionId", "=", sessionId).execute(),
    services.db.selectFrom("boardElement").select(["pageId", "data"]).where("sessionId", "=", sessionId).execute(),
    services.db.selectFrom("homeworkItem").select("data").where("sessionId", "=", sessionId).execute(),
    services.db.selectFrom("sessionBoard").select("locked").where("sessionId", "=", sessionId).executeTakeFirst(),
  ]);
  const state = createSessionSyncState(sessionId);
  const byPage = new Map<string, BoardElement[]>();
  for (const row of elements) {
    const list = byPage.get(row.pageId) ?? [];
    list.push(row.data as BoardElement);
    byPage.set(row.pageId, list);
  }
  const elementsByPage: Record<string, BoardElement[]> = {};
  for (const [pageId, list] of byPage) elementsByPage[pageId] = reconcileElements([], list);
  state.board = { pages: reconcilePages(createBoard().pages, pages.map((p) => p.data as BoardPage)), elementsByPage };
  state.homework = reconcileHomework([], items.map((i) => i.data as HomeworkItem));
  return { state, locked: board?.locked ?? false };
}

/**
 * Saves the changes of many sessions in one transaction with a handful of queries (one read and one
 * upsert per table), so a busy server writes in batches instead of one transaction per message.
 */
export async function persistManySyncChanges(services: AppServices, bySession: Map<string, SyncChanges>): Promise<void> {
  const now = services.now();
  const pages: { sessionId: string; record: BoardPage }[] = [];
  const elements: { sessionId: string; pageId: string; record: BoardElement }[] = [];
  const items: { sessionId: string; record: HomeworkItem }[] = [];
  const auditEntries: AuditEntry[] = [];
  for (const [sessionId, changes] of bySession) {
    auditEntries.push(...(changes.audit ?? []));
    for (const record of changes.pages) pages.push({ sessionId, record });
    for (const [pageId, list] of changes.elements) for (const record of list) elements.push({ sessionId, pageId, record });
    for (const record of changes.homework) items.push({ sessionId, record });
  }
  if (pages.length + elements.length + items.length === 0) return;
  const sessionIds = [...bySession.keys()];
  await services.db.transaction().execute(async (trx) => {
    if (pages.length > 0) {
      const rows = await trx.selectFrom("boardPage").select(["sessionId", "pageId", "data"]).where("sessionId", "in", sessionIds).where("pageId", "in", [...new Set(pages.map((p) => p.record.id))]).forUpdate().execute();
      const toWrite = winnersByKey(rows.map((r) => ({ key: `${r.sessionId}/${r.pageId}`, record: r.data as BoardPage })), pages.map((p) => ({ key: `${p.sessionId}/${p.record.id}`, record: p.record, row: p })));
      if (toWrite.length > 0) {
        await trx
          .insertInto("boardPage")
          .values(toWrite.map(({ row }) => ({ sessionId: row.sessionId, pageId: row.record.id, data: jsonb(row.record) })))
          .onConflict((oc) => oc.columns(["sessionId", "pageId"]).doUpdateSet((eb) => ({ data: eb.ref("excluded.data") })))
          .execute();
      }
    }
    if (elements.length > 0) {
      const rows = await trx
        .selectFrom("boardElement")
        .select(["sessionId", "pageId", "elementId", "data"])
        .where("sessionId", "in", sessionIds)
        .where("elementId", "in", [...new Set(elements.map((e) => e.record.id))])
        .forUpdate()
        .execute();
      const toWrite = winnersByKey(
        rows.map((r) => ({ key: `${r.sessionId}/${r.pageId}/${r.elementId}`, record: r.data as BoardElement })),
        elements.map((e) => ({ key: `${e.sessionId}/${e.pageId}/${e.record.id}`, record: e.record, row: e })),
      );
      if (toWrite.length > 0) {
        await trx
          .insertInto("boardElement")
          .values(toWrite.map(({ row }) => ({ sessionId: row.sessionId, pageId: row.pageId, elementId: row.record.id, data: jsonb(row.record) })))
          .onConflict((oc) => oc.columns(["sessionId", "pageId", "elementId"]).doUpdateSet((eb) => ({ data: eb.ref("excluded.data") })))
          .execute();
      }
    }
    if (items.length > 0) {
      const rows = await trx.selectFrom("homeworkItem").select(["sessionId", "itemId", "data"]).where("sessionId", "in", sessionIds).where("itemId", "in", [...new Set(items.map((i) => i.record.id))]).forUpdate().execute();
      const toWrite = winnersByKey(rows.map((r) => ({ key: `${r.sessionId}/${r.itemId}`, record: r.data as HomeworkItem })), items.map((i) => ({ key: `${i.sessionId}/${i.record.id}`, record: i.record, row: i })));
      if (toWrite.length > 0) {
        await trx
          .insertInto("homeworkItem")
          .values(toWrite.map(({ row }) => ({ sessionId: row.sessionId, itemId: row.record.id, data: jsonb(row.record), updatedAt: now })))
          .onConflict((oc) => oc.columns(["sessionId", "itemId"]).doUpdateSet((eb) => ({ data: eb.ref("excluded.data"), updatedAt: eb.ref("excluded.updatedAt") })))
          .execute();
      }
    }
    await auditAll(services, auditEntries, trx);
  });
}

/**
 * The incoming records that win (last-writer-wins, ./last-writer-wins) over the stored ones with the
 * same key, one per key. Keys join session, page and record id, so sessions never mix.
 */
function winnersByKey<T extends Versioned, R>(stored: { key: string; record: T }[], incoming: { key: string; record: T; row: R }[]): { row: R }[] {
  const best = new Map<string, { record: T; row: R | null }>();
  for (const s of stored) best.set(s.key, { record: s.record, row: null });
  for (const i of incoming) {
    const current = best.get(i.key);
    if (!current || mergeVersioned([current.record], [i.record]).accepted.length > 0) best.set(i.key, { record: i.record, row: i.row });
  }
  return [...best.values()].filter((b): b is { record: T; row: R } => b.row !== null).map((b) => ({ row: b.row }));
}

export async function saveBoardLock(services: AppServices, sessionId: string, locked: boolean): Promise<void> {
  const now = services.now();
  await services.db
    .insertInto("sessionBoard")
    .values({ sessionId, locked, updatedAt: now })
    .onConflict((oc) => oc.column("sessionId").doUpdateSet({ locked, updatedAt: now }))
    .execute();
}

/** The whole board of a session, for its participants only (HTTP read, e.g. after a reload). */
export async function readSessionBoard(services: AppServices, user: CallUser, sessionId: string) {
  const call = await getCallContext(services, user, sessionId);
  const { state, locked } = await loadSessionSyncState(services, sessionId);
  await audit(services, { actor: user, action: "board.read", recordType: "session_board", recordId: sessionId, patientId: call.patient.id });
  return { board: state.board, locked };
}

/** A session's homework list as its participants see it. */
export async function readSessionHomework(services: AppServices, user: CallUser, sessionId: string): Promise<HomeworkItem[]> {
  const call = await getCallContext(services, user, sessionId);
  await audit(services, { actor: user, action: "homework.read", recordType: "session_homework", recordId: sessionId, patientId: call.patient.id });
  const rows = await services.db.selectFrom("homeworkItem").select("data").where("sessionId", "=", sessionId).execute();
  return visibleHomework(reconcileHomework([], rows.map((r) => r.data as HomeworkItem)));
}
