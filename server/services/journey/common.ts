/**
 * What every journey service shares: the result shape thin Remix actions return as-is, input parsing
 * with per-field messages, mapping of domain refusals to those results, authorisation checks and the
 * "same instant, each in their own zone" view of a time.
 *
 * Convention: a refusal the user can fix (bad field, slot taken, too late to cancel) comes back as
 * `{ ok: false, code, fieldErrors, formError }` (the edge gives it a status with `statusOf`) and nothing is stored. Being signed in as the
 * wrong person is not something to fix in a form, so FORBIDDEN / NOT_FOUND are thrown as DomainError.
 */
import { DateTime } from "luxon";
import { z } from "zod";
import type { Role } from "../../../db/schema";
import { DomainError, type Failure, type FieldError, type FieldErrors, isDomainError, type Result } from "../../domain/domain-error";
import { UUID_PATTERN } from "../../domain/ids";

export { isUuid } from "../../domain/ids";
import { fieldErrorsOf } from "../accounts";
import type { Actor } from "../context";
import type { Queryable } from "../../jobs/queue";

export type { Queryable };

/** Older names of the one Result and Failure (server/domain/domain-error.ts). */
export type JourneyFailure = Failure;
export type JourneyResult<T, Extra extends object = object> = Result<T, Extra>;

export function failure(code: string, message: string, field?: string): Failure {
  return {
    ok: false,
    code,
    fieldErrors: field ? { [field]: message } : {},
    formError: field ? undefined : message,
  };
}

export function fromFieldErrors(errors: readonly FieldError[], code = "INVALID_INPUT"): JourneyFailure {
  const fieldErrors: FieldErrors = {};
  for (const error of errors) fieldErrors[error.field] ??= error.message;
  return { ok: false, code: errors.length === 1 ? errors[0].code : code, fieldErrors };
}

export function ok<T>(value: T): { ok: true; value: T } {
  return { ok: true, value };
}

export type Parsed<T> = { ok: true; data: T } | { ok: false; failure: JourneyFailure };

export function parseInput<S extends z.ZodType>(schema: S, input: unknown): Parsed<z.output<S>> {
  const parsed = schema.safeParse(input ?? {});
  if (parsed.success) return { ok: true, data: parsed.data };
  return { ok: false, failure: { ok: false, code: "INVALID_INPUT", fieldErrors: fieldErrorsOf(parsed.error) } };
}

/**
 * Runs `work`; a DomainError it throws that is about the user's input (not FORBIDDEN / NOT_FOUND)
 * becomes a failure result. Other errors propagate. Use around the whole transaction so a refusal rolls
 * everything back.
 */
export async function refusalsAsResults<T>(work: () => Promise<T>): Promise<T | JourneyFailure> {
  try {
    return await work();
  } catch (error) {
    if (isDomainError(error) && !AUTH_CODES.has(error.code)) return failure(error.code, error.message, error.field);
    throw error;
  }
}

const AUTH_CODES = new Set(["FORBIDDEN", "NOT_FOUND"]);

export function forbidden(message = "You cannot do this"): never {
  throw new DomainError("FORBIDDEN", message);
}

export function notFound(what: string): never {
  throw new DomainError("NOT_FOUND", `${what} not found`);
}

export function requireRole(actor: Actor, ...roles: Role[]): void {
  if (!roles.includes(actor.role)) forbidden();
}

/** Staff who schedule and bill: planners and admins. */
export const SCHEDULING_ROLES: Role[] = ["planner", "admin"];

/**
 * A patient sees only their own record, a therapist only patients they hold or held a session or program
 * with; planners and admins see what scheduling and billing need (callers decide which fields).
 */
export async function assertCanSeePatient(db: Queryable, actor: Actor, patientId: string): Promise<void> {
  if (actor.role === "patient") {
    if (actor.userId !== patientId) forbidden("You can only see your own record");
    return;
  }
  if (actor.role === "planner" || actor.role === "admin") return;
  if (actor.role === "therapist" && (await isTherapistOf(db, actor.userId, patientId))) return;
  forbidden("This patient is not one of yours");
}

export async function isTherapistOf(db: Queryable, therapistId: string, patientId: string): Promise<boolean> {
  const viaSession = await db
    .selectFrom("clinicalSession")
    .select("id")
    .where("therapistId", "=", therapistId)
    .where("patientId", "=", patientId)
    .limit(1)
    .executeTakeFirst();
  if (viaSession) return true;
  const viaProgram = await db.selectFrom("program").select("id").where("therapistId", "=", therapistId).where("patientId", "=", patientId).limit(1).executeTakeFirst();
  return Boolean(viaProgram);
}

export async function loadUser(db: Queryable, userId: string) {
  const user = await db.selectFrom("user").select(["id", "name", "email", "role", "timeZone"]).where("id", "=", userId).executeTakeFirst();
  if (!user) notFound("User");
  return user;
}

/** One instant as a viewer in `timeZone` reads it; `utc` is the same for every viewer. */
export interface ZonedTime {
  utc: string;
  timeZone: string;
  /** ISO 8601 with the viewer's offset, e.g. 2026-03-03T09:00:00.000+13:00. */
  local: string;
  date: string;
  time: string;
}

export function zoned(instant: Date, timeZone: string): ZonedTime {
  const local = DateTime.fromJSDate(instant, { zone: timeZone });
  return {
    utc: instant.toISOString(),
    timeZone,
    local: local.toISO() as string,
    date: local.toISODate() as string,
    time: local.toFormat("HH:mm"),
  };
}

/** Parses an ISO 8601 instant from a form; an instant without an offset is refused (it would be ambiguous). */
export function isInstantString(value: string): boolean {
  return /(?:Z|[+-]\d{2}:?\d{2})$/i.test(value) && !Number.isNaN(Date.parse(value));
}

/** A zod field for an instant: a Date, or an ISO 8601 string with an offset ("…Z" or "…+13:00"). */
export function instantField(message = "Choose a date and time") {
  return zInstant(message);
}

function zInstant(message: string) {
  return z.union([
    z.date().refine((d) => !Number.isNaN(d.getTime()), message),
    z
      .string({ message })
      .trim()
      .refine(isInstantString, message)
      .transform((value) => new Date(value)),
  ], { message });
}

/** An id field from a form: a malformed id is "not found", never a database error. */
export function idField(message = "Choose an item from the list") {
  return z.string({ message }).trim().regex(UUID_PATTERN, message);
}

/** Which exclusion or unique constraint a database error names (postgres.js and PGlite differ). */
export function constraintOf(error: unknown): string | undefined {
  const e = error as { constraint_name?: string; constraint?: string };
  return e?.constraint_name ?? e?.constraint;
}

/** The pure rule states notice in minutes; people read hours. */
export function noticeMessage(minNoticeMinutes: number): string {
  const notice = minNoticeMinutes % 60 === 0 ? `${minNoticeMinutes / 60} hours` : `${minNoticeMinutes} minutes`;
  return `Choose a time at least ${notice} from now`;
}
