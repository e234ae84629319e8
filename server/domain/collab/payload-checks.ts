/**
 * Small checks for payloads that arrive over the socket as `unknown`. Each check appends to an error
 * list instead of throwing, so a reply names every bad field at once (the edge answers 422, the socket
 * a rejected ack). Hand-written rather than zod so the collab rules stay dependency-free.
 */

export type PayloadPath = (string | number)[];

export type PayloadErrorCode =
  | "REQUIRED"
  | "INVALID_TYPE"
  | "INVALID_FORMAT"
  | "OUT_OF_RANGE"
  | "TOO_LONG"
  | "TOO_MANY"
  | "TOO_LARGE";

/** One problem at one place in a payload. `field` is `path` joined with dots, for form-style display. */
export interface PayloadError {
  path: PayloadPath;
  field: string;
  code: PayloadErrorCode;
  message: string;
}

export type Checked<T> = { ok: true; value: T } | { ok: false; errors: PayloadError[] };

/** Ids of sessions, pages and acks: URL-safe, as nanoid and UUIDs are; also never "__proto__"-like. */
export const MAX_ID_LENGTH = 64;
const SAFE_ID_PATTERN = /^[A-Za-z0-9_-]+$/;

export function payloadError(path: PayloadPath, code: PayloadErrorCode, message: string): PayloadError {
  return { path, field: path.join("."), code, message };
}

export function isPlainRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function checkRecord(
  value: unknown,
  path: PayloadPath,
  errors: PayloadError[],
): value is Record<string, unknown> {
  if (isPlainRecord(value)) return true;
  errors.push(payloadError(path, value === undefined ? "REQUIRED" : "INVALID_TYPE", "must be an object"));
  return false;
}

export function checkString(
  value: unknown,
  path: PayloadPath,
  errors: PayloadError[],
  { min = 1, max }: { min?: number; max: number },
): value is string {
  if (typeof value !== "string") {
    errors.push(payloadError(path, value === undefined ? "REQUIRED" : "INVALID_TYPE", "must be a string"));
    return false;
  }
  if (value.length < min) {
    errors.push(payloadError(path, "REQUIRED", min === 1 ? "must not be empty" : `must be at least ${min} characters`));
    return false;
  }
  if (value.length > max) {
    errors.push(payloadError(path, "TOO_LONG", `must be at most ${max} characters`));
    return false;
  }
  return true;
}

/** A string id of at most {@link MAX_ID_LENGTH} characters (any characters: Excalidraw element ids). */
export function checkId(value: unknown, path: PayloadPath, errors: PayloadError[]): value is string {
  return checkString(value, path, errors, { max: MAX_ID_LENGTH });
}

/** An id that is also used as an object key or in a room name: letters, digits, "_" and "-" only. */
export function checkSafeId(value: unknown, path: PayloadPath, errors: PayloadError[]): value is string {
  if (!checkId(value, path, errors)) return false;
  if (SAFE_ID_PATTERN.test(value)) return true;
  errors.push(payloadError(path, "INVALID_FORMAT", "may contain only letters, digits, '_' and '-'"));
  return false;
}

export function checkInteger(
  value: unknown,
  path: PayloadPath,
  errors: PayloadError[],
  { min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER }: { min?: number; max?: number } = {},
): value is number {
  if (typeof value !== "number" || !Number.isInteger(value)) {
    errors.push(payloadError(path, value === undefined ? "REQUIRED" : "INVALID_TYPE", "must be a whole number"));
    return false;
  }
  if (value < min || value > max) {
    errors.push(payloadError(path, "OUT_OF_RANGE", `must be between ${min} and ${max}`));
    return false;
  }
  return true;
}

export function checkBoolean(value: unknown, path: PayloadPath, errors: PayloadError[]): value is boolean {
  if (typeof value === "boolean") return true;
  errors.push(payloadError(path, value === undefined ? "REQUIRED" : "INVALID_TYPE", "must be true or false"));
  return false;
}

export function checkArray(
  value: unknown,
  path: PayloadPath,
  errors: PayloadError[],
  { max }: { max: number },
): value is unknown[] {
  if (!Array.isArray(value)) {
    errors.push(payloadError(path, value === undefined ? "REQUIRED" : "INVALID_TYPE", "must be a list"));
    return false;
  }
  if (value.length > max) {
    errors.push(payloadError(path, "TOO_MANY", `must hold at most ${max} entries`));
    return false;
  }
  return true;
}

/** The sync fields every versioned record carries (id, version ≥ 1, integer nonce, isDeleted). */
export function checkVersionedFields(
  record: Record<string, unknown>,
  path: PayloadPath,
  errors: PayloadError[],
  { safeId = false }: { safeId?: boolean } = {},
): void {
  (safeId ? checkSafeId : checkId)(record.id, [...path, "id"], errors);
  checkInteger(record.version, [...path, "version"], errors, { min: 1 });
  checkInteger(record.versionNonce, [...path, "versionNonce"], errors);
  checkBoolean(record.isDeleted, [...path, "isDeleted"], errors);
}

/** UTF-8 size of `value` as JSON, or undefined when it cannot be serialised. */
export function jsonByteLength(value: unknown): number | undefined {
  try {
    const json = JSON.stringify(value);
    return json === undefined ? undefined : new TextEncoder().encode(json).length;
  } catch {
    return undefined;
  }
}
