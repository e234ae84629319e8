/**
 * Expression identifiers of a diary snapshot (MEEI / Emotrics_Plus 7-photo set + Sunnybrook's snarl).
 * The browser list with instructions lives in media/face/expressions.ts; a test keeps both in sync.
 */
export const EXPRESSION_IDS = [
  "rest",
  "brow_raise",
  "gentle_eye_closure",
  "tight_eye_closure",
  "closed_smile",
  "big_smile",
  "eee",
  "pucker",
  "nose_wrinkle",
] as const;

export type ExpressionId = (typeof EXPRESSION_IDS)[number];

export function isExpressionId(value: unknown): value is ExpressionId {
  return typeof value === "string" && (EXPRESSION_IDS as readonly string[]).includes(value);
}

/** Expressions in which the eyes are meant to be shut (MRD1/MRD2 are undefined there). */
export const EYE_CLOSURE_EXPRESSIONS: readonly ExpressionId[] = ["gentle_eye_closure", "tight_eye_closure"];
