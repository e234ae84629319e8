/** A refusal the user can understand: `code` for the edge to map to a status, `field` for the form. */
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

export type FieldErrors = Record<string, string>;
