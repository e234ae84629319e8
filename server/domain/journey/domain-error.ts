/**
 * The one error type the journey rules throw. `code` is stable and machine-readable (the edge maps it
 * to 409/422), `field` names the form field at fault so the UI can show the message in place.
 */
export class DomainError extends Error {
  constructor(
    public code: string,
    message: string,
    public field?: string,
  ) {
    super(message);
    this.name = "DomainError";
  }
}

/** One problem with one form field; validators return a list of these instead of throwing on the first. */
export interface FieldError {
  field: string;
  code: string;
  message: string;
}

export function isDomainError(error: unknown): error is DomainError {
  return error instanceof DomainError;
}
