/**
 * The one error model. A rule the user ran into throws `DomainError` (or a service returns a failed
 * `Result`); `code` is stable and machine-readable, `field` names the form field at fault. Pages, the
 * API and socket acknowledgements turn a code into an HTTP-like status with `statusOf`, in one place.
 */
export class DomainError extends Error {
  constructor(
    public readonly code: string,
    message: string,
    public readonly field?: string,
  ) {
    super(message);
    this.name = "DomainError";
  }
}

/** Works across module copies too (the check is the shape, not the class identity). */
export function isDomainError(error: unknown): error is DomainError {
  return error instanceof DomainError || (error instanceof Error && error.name === "DomainError" && typeof (error as { code?: unknown }).code === "string");
}

export type FieldErrors = Record<string, string>;

/** A refusal the user can fix, as a value: nothing was stored. The status is `statusOf(code)`, at the edge. */
export interface Failure {
  ok: false;
  code: string;
  fieldErrors: FieldErrors;
  formError?: string;
}

/** What a service returns: the value, or a Failure (with `Extra`, e.g. refreshed slots after SLOT_TAKEN). */
export type Result<T = undefined, Extra extends object = object> = { ok: true; value: T; headers?: Headers } | (Failure & Partial<Extra>);

/** One problem with one form field; validators return a list of these instead of throwing on the first. */
export interface FieldError {
  field: string;
  code: string;
  message: string;
}

type Status = 400 | 401 | 403 | 404 | 409 | 410 | 413 | 422 | 429 | 500;

const STATUS_BY_CODE: Record<string, Status> = {
  BAD_REQUEST: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  SLOT_TAKEN: 409,
  PATIENT_BUSY: 409,
  TRANSITION_NOT_ALLOWED: 409,
  ALREADY_PAID: 409,
  ALREADY_RECORDED: 409,
  ALREADY_SHIPPED: 409,
  CONSULTATION_ALREADY_BOOKED: 409,
  PLAN_NOT_OPEN: 409,
  PROGRAM_ACTIVE: 409,
  GONE: 410,
  TOO_LARGE: 413,
  RATE_LIMITED: 429,
  INTERNAL: 500,
};

/** The status a refusal answers with; anything not listed is a fixable input problem (422). */
export function statusOf(code: string | undefined): Status {
  return (code && STATUS_BY_CODE[code]) || 422;
}
