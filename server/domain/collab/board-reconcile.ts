/**
 * The shared whiteboard: Excalidraw elements synchronised one by one, grouped into pages.
 *
 * Each element merges by last-writer-wins on its version ({@link shouldAcceptRemote}; the exact order is
 * documented in ./last-writer-wins). A deleted element stays as a tombstone (`isDeleted: true`, version
 * bumped) so that an older copy still in flight cannot bring it back. Pages are versioned records merged
 * the same way; an element belongs to the page whose bucket holds it (Excalidraw itself has no pages,
 * the session page shows one page's elements at a time).
 */
import { isOrderKey, orderBetween } from "./fractional-index";
import {
  mergeVersioned,
  shouldAcceptRemote as versionedShouldAcceptRemote,
  type Versioned,
  withEdit,
} from "./last-writer-wins";
import {
  checkArray,
  checkRecord,
  checkSafeId,
  checkString,
  checkVersionedFields,
  type Checked,
  jsonByteLength,
  type PayloadError,
  payloadError,
  type PayloadPath,
} from "./payload-checks";

/** An Excalidraw element as it travels: the sync fields are typed, the drawing itself is opaque. */
export type BoardElement = {
  id: string;
  version: number;
  versionNonce: number;
  isDeleted: boolean;
  /** Excalidraw's fractional z-order index; null or absent on elements from older clients. */
  index?: string | null;
  [key: string]: unknown;
};

/** Elements one update may carry (a full-scene resend included). */
export const MAX_ELEMENTS_PER_UPDATE = 2_000;
/** Serialised size one element may have: a long freehand stroke is some tens of kB. */
export const MAX_ELEMENT_JSON_BYTES = 256 * 1024;
export const MAX_PAGE_TITLE_LENGTH = 80;
export const MAX_PAGES_PER_UPDATE = 50;

/**
 * Whether a replica holding `local` should take `remote` instead: higher `version` wins; on equal
 * version the lower `versionNonce` wins (Excalidraw's rule); on a full tie the smaller canonical JSON.
 */
export function shouldAcceptRemote(local: BoardElement | undefined, remote: BoardElement): boolean {
  return versionedShouldAcceptRemote(local, remote);
}

/** Scene order: by `index` (code-unit order, as Excalidraw compares them), then by id; no index goes last. */
export function compareElementOrder(a: BoardElement, b: BoardElement): number {
  const indexA = typeof a.index === "string" ? a.index : null;
  const indexB = typeof b.index === "string" ? b.index : null;
  if (indexA !== indexB) {
    if (indexA === null) return 1;
    if (indexB === null) return -1;
    return indexA < indexB ? -1 : 1;
  }
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * Merges `remote` into `local` and returns the scene in {@link compareElementOrder}, tombstones
 * included (the caller filters with {@link liveElements} to draw). Neither input is modified.
 */
export function reconcileElements(local: readonly BoardElement[], remote: readonly BoardElement[]): BoardElement[] {
  return reconcileElementsWithChanges(local, remote).elements;
}

/** {@link reconcileElements}, also telling which remote elements changed the result (what to save and relay). */
export function reconcileElementsWithChanges(
  local: readonly BoardElement[],
  remote: readonly BoardElement[],
): { elements: BoardElement[]; accepted: BoardElement[] } {
  const { byId, accepted } = mergeVersioned(local, remote);
  return { elements: [...byId.values()].sort(compareElementOrder), accepted };
}

export function liveElements<T extends Versioned>(records: readonly T[]): T[] {
  return records.filter((record) => !record.isDeleted);
}

/** A tombstone of `element`: deleted, version bumped, fresh nonce. */
export function tombstone(element: BoardElement, versionNonce: number): BoardElement {
  return withEdit(element, { isDeleted: true }, versionNonce);
}

/**
 * Checks an incoming `board:update` payload `{ sessionId, pageId, elements }`: at most
 * {@link MAX_ELEMENTS_PER_UPDATE} elements, each an object with a string id of 1–64 characters, an
 * integer version ≥ 1, an integer versionNonce, a boolean isDeleted, a string or null index, and at most
 * {@link MAX_ELEMENT_JSON_BYTES} as JSON. Every error carries its path, e.g. `["elements", 3, "version"]`.
 */
export function validateBoardUpdate(
  payload: unknown,
): Checked<{ sessionId: string; pageId: string; elements: BoardElement[] }> {
  const errors: PayloadError[] = [];
  if (!checkRecord(payload, [], errors)) return { ok: false, errors };
  checkSafeId(payload.sessionId, ["sessionId"], errors);
  checkSafeId(payload.pageId, ["pageId"], errors);
  checkBoardElements(payload.elements, ["elements"], errors);
  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    value: {
      sessionId: payload.sessionId as string,
      pageId: payload.pageId as string,
      elements: payload.elements as BoardElement[],
    },
  };
}

export function checkBoardElements(value: unknown, path: PayloadPath, errors: PayloadError[]): void {
  if (!checkArray(value, path, errors, { max: MAX_ELEMENTS_PER_UPDATE })) return;
  value.forEach((element, i) => {
    const at = [...path, i];
    if (!checkRecord(element, at, errors)) return;
    checkVersionedFields(element, at, errors);
    if (element.index !== undefined && element.index !== null && typeof element.index !== "string") {
      errors.push(payloadError([...at, "index"], "INVALID_TYPE", "must be a string or null"));
    }
    const bytes = jsonByteLength(element);
    if (bytes === undefined) errors.push(payloadError(at, "INVALID_TYPE", "must be plain JSON"));
    else if (bytes > MAX_ELEMENT_JSON_BYTES) {
      errors.push(payloadError(at, "TOO_LARGE", `must be at most ${MAX_ELEMENT_JSON_BYTES} bytes as JSON`));
    }
  });
}

// ---------------------------------------------------------------------------------------------------
// Pages

export interface BoardPage extends Versioned {
  /** Fractional index ({@link orderBetween}) giving the order of the page tabs. */
  index: string;
  title: string;
}

/** A board: its pages, and per page id the elements drawn on it (sorted, tombstones included). */
export interface Board {
  pages: BoardPage[];
  elementsByPage: Record<string, BoardElement[]>;
}

/** Every board starts with this page, identical on every replica, so the first strokes need no setup. */
export const DEFAULT_PAGE: Readonly<BoardPage> = Object.freeze({
  id: "page-1",
  version: 1,
  versionNonce: 0,
  isDeleted: false,
  index: orderBetween(),
  title: "Page 1",
});

export function createBoard(): Board {
  return { pages: [{ ...DEFAULT_PAGE }], elementsByPage: {} };
}

/** Tab order: by index, then id. */
export function comparePageOrder(a: BoardPage, b: BoardPage): number {
  if (a.index !== b.index) return a.index < b.index ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export function findPage(board: Board, pageId: string): BoardPage | undefined {
  return board.pages.find((page) => page.id === pageId);
}

/** The elements of one page, tombstones included; [] for a page with none (or an unknown one). */
export function pageElements(board: Board, pageId: string): BoardElement[] {
  return Object.hasOwn(board.elementsByPage, pageId) ? board.elementsByPage[pageId] : [];
}

export function reconcilePagesWithChanges(
  local: readonly BoardPage[],
  remote: readonly BoardPage[],
): { pages: BoardPage[]; accepted: BoardPage[] } {
  const { byId, accepted } = mergeVersioned(local, remote);
  return { pages: [...byId.values()].sort(comparePageOrder), accepted };
}

export function reconcilePages(local: readonly BoardPage[], remote: readonly BoardPage[]): BoardPage[] {
  return reconcilePagesWithChanges(local, remote).pages;
}

/** `board` with `remote` elements merged into one page; `accepted` are those that changed it. */
export function mergePageElements(
  board: Board,
  pageId: string,
  remote: readonly BoardElement[],
): { board: Board; accepted: BoardElement[] } {
  const { elements, accepted } = reconcileElementsWithChanges(pageElements(board, pageId), remote);
  if (accepted.length === 0) return { board, accepted };
  return { board: { ...board, elementsByPage: { ...board.elementsByPage, [pageId]: elements } }, accepted };
}

/** Merges two whole boards (a snapshot into a replica, say), page records and every page's elements. */
export function mergeBoard(local: Board, remote: Board): Board {
  let merged: Board = { ...local, pages: reconcilePages(local.pages, remote.pages) };
  for (const pageId of Object.keys(remote.elementsByPage)) {
    merged = mergePageElements(merged, pageId, remote.elementsByPage[pageId]).board;
  }
  return merged;
}

/** "New page": a page record after the last tab. Send `page` to the others as a page upsert. */
export function newPage(
  board: Board,
  { id, title, versionNonce }: { id: string; title: string; versionNonce: number },
): { board: Board; page: BoardPage } {
  if (findPage(board, id)) throw new RangeError(`page ${id} exists already`);
  const last = board.pages.length > 0 ? board.pages[board.pages.length - 1] : undefined;
  const page: BoardPage = { id, version: 1, versionNonce, isDeleted: false, index: orderBetween(last?.index), title };
  return { board: { ...board, pages: [...board.pages, page].sort(comparePageOrder) }, page };
}

/**
 * "Clear board": a tombstone for every live element of the page. Send `tombstones` as an ordinary
 * element update. Elements another participant adds concurrently, which this replica has not seen
 * yet, survive the clear: they are newer than the clear, as in Excalidraw.
 */
export function clearPage(
  board: Board,
  pageId: string,
  nextVersionNonce: () => number,
): { board: Board; tombstones: BoardElement[] } {
  const tombstones = liveElements(pageElements(board, pageId)).map((element) => tombstone(element, nextVersionNonce()));
  return { board: mergePageElements(board, pageId, tombstones).board, tombstones };
}

/** Checks the pages of an incoming page upsert; errors carry their path. */
export function checkBoardPages(value: unknown, path: PayloadPath, errors: PayloadError[]): void {
  if (!checkArray(value, path, errors, { max: MAX_PAGES_PER_UPDATE })) return;
  value.forEach((page, i) => {
    const at = [...path, i];
    if (!checkRecord(page, at, errors)) return;
    checkVersionedFields(page, at, errors, { safeId: true });
    if (!isOrderKey(page.index)) {
      errors.push(payloadError([...at, "index"], page.index === undefined ? "REQUIRED" : "INVALID_FORMAT", "must be an order key"));
    }
    checkString(page.title, [...at, "title"], errors, { min: 0, max: MAX_PAGE_TITLE_LENGTH });
  });
}
