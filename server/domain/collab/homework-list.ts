/**
 * The live homework list the therapist edits during a session and the patient watches fill up.
 *
 * Items merge one by one with the same last-writer-wins rule as whiteboard elements (see
 * ./last-writer-wins): a whole item is the unit, so of two concurrent edits of one item (say a reorder
 * and a dosage change) one wins entirely. Deleted items stay as tombstones. The list order is a
 * fractional index per item (./fractional-index), so moving an item rewrites only that item.
 */
import { compareOrderKeys, isOrderKey, orderBetween } from "./fractional-index";
import { mergeVersioned, type Versioned, withEdit } from "./last-writer-wins";
import {
  checkArray,
  checkId,
  checkInteger,
  checkRecord,
  checkSafeId,
  checkString,
  checkVersionedFields,
  type Checked,
  type PayloadError,
  payloadError,
  type PayloadPath,
} from "./payload-checks";

export interface Dosage {
  /** Repetitions of the technique per set. */
  repetitions: number;
  sets: number;
  /** Practice sessions per day (the program asks for two). */
  timesPerDay: number;
  /** Minutes per practice session. */
  minutes: number;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** The dosage as one sentence, the same on the page, in the e-mail and on the printed sheet. */
export function dosageText(d: Dosage): string {
  return `${plural(d.repetitions, "repetition")} × ${plural(d.sets, "set")}, ${d.timesPerDay === 1 ? "once" : `${d.timesPerDay} times`} a day, about ${plural(d.minutes, "minute")}`;
}

export interface HomeworkItem extends Versioned, Dosage {
  /** Fractional index: the list shows items by `order`, then id. */
  order: string;
  /** The technique from the catalogue this item practises, if any. */
  techniqueId?: string | null;
  title: string;
  notes: string;
  /** Whiteboard exports attached to the item. */
  illustrationIds: string[];
}

export const DOSAGE_BOUNDS: Readonly<Record<keyof Dosage, { min: number; max: number }>> = Object.freeze({
  repetitions: { min: 1, max: 100 },
  sets: { min: 1, max: 20 },
  timesPerDay: { min: 1, max: 6 },
  minutes: { min: 1, max: 120 },
});
const DOSAGE_FIELDS = Object.keys(DOSAGE_BOUNDS) as (keyof Dosage)[];

export const MAX_HOMEWORK_TITLE_LENGTH = 120;
export const MAX_HOMEWORK_NOTES_LENGTH = 2_000;
export const MAX_ILLUSTRATIONS_PER_ITEM = 20;
export const MAX_ITEMS_PER_UPSERT = 100;

/** Checks the four dosage numbers: whole numbers within {@link DOSAGE_BOUNDS}, one error per bad field. */
export function validateDosage(payload: unknown, path: PayloadPath = []): Checked<Dosage> {
  const errors: PayloadError[] = [];
  if (!checkRecord(payload, path, errors)) return { ok: false, errors };
  for (const field of DOSAGE_FIELDS) checkInteger(payload[field], [...path, field], errors, DOSAGE_BOUNDS[field]);
  if (errors.length > 0) return { ok: false, errors };
  const { repetitions, sets, timesPerDay, minutes } = payload as unknown as Dosage;
  return { ok: true, value: { repetitions, sets, timesPerDay, minutes } };
}

/** Checks one incoming item (tombstones too: they carry the item's last content). */
export function validateHomeworkItem(payload: unknown, path: PayloadPath = []): Checked<HomeworkItem> {
  const errors: PayloadError[] = [];
  checkHomeworkItem(payload, path, errors);
  return errors.length > 0 ? { ok: false, errors } : { ok: true, value: payload as HomeworkItem };
}

export function checkHomeworkItems(value: unknown, path: PayloadPath, errors: PayloadError[]): void {
  if (!checkArray(value, path, errors, { max: MAX_ITEMS_PER_UPSERT })) return;
  value.forEach((item, i) => checkHomeworkItem(item, [...path, i], errors));
}

function checkHomeworkItem(payload: unknown, path: PayloadPath, errors: PayloadError[]): void {
  if (!checkRecord(payload, path, errors)) return;
  checkVersionedFields(payload, path, errors, { safeId: true });
  if (!isOrderKey(payload.order)) {
    errors.push(payloadError([...path, "order"], payload.order === undefined ? "REQUIRED" : "INVALID_FORMAT", "must be an order key"));
  }
  if (payload.techniqueId !== undefined && payload.techniqueId !== null) {
    checkId(payload.techniqueId, [...path, "techniqueId"], errors);
  }
  checkString(payload.title, [...path, "title"], errors, { max: MAX_HOMEWORK_TITLE_LENGTH });
  checkString(payload.notes, [...path, "notes"], errors, { min: 0, max: MAX_HOMEWORK_NOTES_LENGTH });
  const illustrationsPath = [...path, "illustrationIds"];
  if (checkArray(payload.illustrationIds, illustrationsPath, errors, { max: MAX_ILLUSTRATIONS_PER_ITEM })) {
    payload.illustrationIds.forEach((id, i) => checkSafeId(id, [...illustrationsPath, i], errors));
  }
  const dosage = validateDosage(payload, path);
  if (!dosage.ok) errors.push(...dosage.errors);
}

/** List order: by `order` key, then id, so replicas agree even when two inserts drew the same key. */
export function compareHomeworkOrder(a: HomeworkItem, b: HomeworkItem): number {
  return compareOrderKeys(a.order, b.order) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

export function reconcileHomeworkWithChanges(
  local: readonly HomeworkItem[],
  remote: readonly HomeworkItem[],
): { items: HomeworkItem[]; accepted: HomeworkItem[] } {
  const { byId, accepted } = mergeVersioned(local, remote);
  return { items: [...byId.values()].sort(compareHomeworkOrder), accepted };
}

/** Merges `remote` items into `local`; the result is sorted and keeps tombstones. */
export function reconcileHomework(local: readonly HomeworkItem[], remote: readonly HomeworkItem[]): HomeworkItem[] {
  return reconcileHomeworkWithChanges(local, remote).items;
}

/** What the patient sees: the live items in list order. */
export function visibleHomework(items: readonly HomeworkItem[]): HomeworkItem[] {
  return items.filter((item) => !item.isDeleted).sort(compareHomeworkOrder);
}

/**
 * The order key that puts an item at `position` (0 = first) of `list` (live items in list order, the
 * moving item left out). Neighbours that share a key (two concurrent inserts) are stepped over, which
 * may place the item just after their group instead of between them.
 */
export function orderForPosition(list: readonly HomeworkItem[], position: number): string {
  const at = Math.max(0, Math.min(position, list.length));
  const before = at > 0 ? list[at - 1].order : undefined;
  let after: string | undefined;
  for (let i = at; i < list.length; i++) {
    if (before === undefined || list[i].order > before) {
      after = list[i].order;
      break;
    }
  }
  return orderBetween(before, after);
}

export type NewHomeworkItem = Omit<HomeworkItem, "version" | "isDeleted" | "order">;

/** A new item at `position` (default: the end) of the visible list; version 1. */
export function createHomeworkItem(
  items: readonly HomeworkItem[],
  input: NewHomeworkItem,
  position = Number.POSITIVE_INFINITY,
): HomeworkItem {
  return { ...input, version: 1, isDeleted: false, order: orderForPosition(visibleHomework(items), position) };
}

export function editHomeworkItem(
  item: HomeworkItem,
  patch: Partial<Omit<HomeworkItem, "id" | "version" | "versionNonce" | "order" | "isDeleted">>,
  versionNonce: number,
): HomeworkItem {
  return withEdit(item, patch, versionNonce);
}

export function deleteHomeworkItem(item: HomeworkItem, versionNonce: number): HomeworkItem {
  return withEdit(item, { isDeleted: true }, versionNonce);
}

/** The item `id` moved to `position` of the visible list (its new key; only this item changes). */
export function moveHomeworkItem(
  items: readonly HomeworkItem[],
  id: string,
  position: number,
  versionNonce: number,
): HomeworkItem {
  const item = items.find((candidate) => candidate.id === id);
  if (!item) throw new RangeError(`no homework item ${id}`);
  const others = visibleHomework(items).filter((candidate) => candidate.id !== id);
  return withEdit(item, { order: orderForPosition(others, position) }, versionNonce);
}
