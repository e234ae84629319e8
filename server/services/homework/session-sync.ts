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
import type { AppServices } from "../context";
import { type HomeworkUser, sessionParticipant } from "./common";

export interface SyncChanges {
  pages: BoardPage[];
  elements: Map<string, BoardElement[]>;
  homework: HomeworkItem[];
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

/** Winners among `incoming` over `existing` rows (what to write). */
function winners<T extends Versioned>(existing: unknown[], incoming: T[]): T[] {
  return mergeVersioned(existing as T[], incoming).accepted;
}

/** Saves accepted changes in one transaction; resolves once they are durable (then the socket acks). */
export async function persistSyncChanges(services: AppServices, sessionId: string, changes: SyncChanges): Promise<void> {
  const now = services.now();
  await services.db.transaction().execute(async (trx) => {
    if (changes.pages.length > 0) {
      const rows = await trx.selectFrom("boardPage").select("data").where("sessionId", "=", sessionId).where("pageId", "in", changes.pages.map((p) => p.id)).forUpdate().execute();
      for (const page of winners(rows.map((r) => r.data), changes.pages)) {
        await trx
          .insertInto("boardPage")
          .values({ sessionId, pageId: page.id, data: jsonb(page) })
          .onConflict((oc) => oc.columns(["sessionId", "pageId"]).doUpdateSet({ data: jsonb(page) }))
          .execute();
      }
    }
    for (const [pageId, elements] of changes.elements) {
      if (elements.length === 0) continue;
      const rows = await trx
        .selectFrom("boardElement")
        .select("data")
        .where("sessionId", "=", sessionId)
        .where("pageId", "=", pageId)
        .where("elementId", "in", elements.map((e) => e.id))
        .forUpdate()
        .execute();
      const toWrite = winners(rows.map((r) => r.data), elements);
      if (toWrite.length === 0) continue;
      await trx
        .insertInto("boardElement")
        .values(toWrite.map((element) => ({ sessionId, pageId, elementId: element.id, data: jsonb(element) })))
        .onConflict((oc) => oc.columns(["sessionId", "pageId", "elementId"]).doUpdateSet((eb) => ({ data: eb.ref("excluded.data") })))
        .execute();
    }
    if (changes.homework.length > 0) {
      const rows = await trx.selectFrom("homeworkItem").select("data").where("sessionId", "=", sessionId).where("itemId", "in", changes.homework.map((i) => i.id)).forUpdate().execute();
      const toWrite = winners(rows.map((r) => r.data), changes.homework);
      if (toWrite.length > 0) {
        await trx
          .insertInto("homeworkItem")
          .values(toWrite.map((item) => ({ sessionId, itemId: item.id, data: jsonb(item), updatedAt: now })))
          .onConflict((oc) => oc.columns(["sessionId", "itemId"]).doUpdateSet((eb) => ({ data: eb.ref("excluded.data"), updatedAt: eb.ref("excluded.updatedAt") })))
          .execute();
      }
    }
  });
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
export async function readSessionBoard(services: AppServices, user: HomeworkUser, sessionId: string) {
  await sessionParticipant(services, user, sessionId);
  const { state, locked } = await loadSessionSyncState(services, sessionId);
  return { board: state.board, locked };
}

/** A session's homework list as its participants see it. */
export async function readSessionHomework(services: AppServices, user: HomeworkUser, sessionId: string): Promise<HomeworkItem[]> {
  await sessionParticipant(services, user, sessionId);
  const rows = await services.db.selectFrom("homeworkItem").select("data").where("sessionId", "=", sessionId).execute();
  return visibleHomework(reconcileHomework([], rows.map((r) => r.data as HomeworkItem)));
}
