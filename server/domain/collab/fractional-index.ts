/**
 * Fractional indices: order keys that let one item move between two others by rewriting only its own
 * key, so a reorder is a single-record edit that last-writer-wins can merge.
 *
 * A key is a base-62 fraction strictly between 0 and 1, written as its digits after the point:
 * "V" = 31/62, "0V" = 31/62². The digit alphabet is in ASCII order, so comparing keys as plain strings
 * (`<`, never `localeCompare`) compares the fractions. Keys never end in "0" (every fraction then has
 * exactly one spelling, and there is always room below a key). The midpoint step follows David
 * Greenspan, "Implementing Fractional Indexing" (https://observablehq.com/@dgreenspan/implementing-fractional-indexing),
 * which the `fractional-indexing` package Excalidraw uses is also built on; appending and prepending
 * step one digit instead of halving, so a list grown at one end gains a character about every 61 items.
 *
 * Two replicas inserting at the same spot at the same time get the same key; readers sort by key, then
 * by id, so they still agree on the order.
 */

export const ORDER_DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const BASE = ORDER_DIGITS.length;
/** Longest key accepted from a client; repeated inserts into one gap add about one character per six. */
export const MAX_ORDER_KEY_LENGTH = 128;
const ORDER_KEY_PATTERN = /^[0-9A-Za-z]*[1-9A-Za-z]$/;

/** Whether `value` is a well-formed key: base-62 digits, no trailing "0", at most {@link MAX_ORDER_KEY_LENGTH}. */
export function isOrderKey(value: unknown): value is string {
  return typeof value === "string" && value.length <= MAX_ORDER_KEY_LENGTH && ORDER_KEY_PATTERN.test(value);
}

/** Compares two keys as fractions (plain code-unit order). */
export function compareOrderKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * A key strictly between `a` and `b`; a missing bound means the start (before) or end (after) of the
 * list. Throws a RangeError when a bound is malformed or `a` is not below `b`.
 */
export function orderBetween(a?: string | null, b?: string | null): string {
  for (const bound of [a, b]) {
    if (bound != null && !isOrderKey(bound)) throw new RangeError(`not an order key: ${JSON.stringify(bound)}`);
  }
  if (a != null && b != null && !(a < b)) throw new RangeError(`order keys out of order: ${a} >= ${b}`);
  if (a == null && b == null) return ORDER_DIGITS[BASE >> 1];
  if (b == null) return keyAfter(a as string);
  if (a == null) return keyBefore(b);
  return midpoint(a, b);
}

/** A short step above `a`: raise its first digit that is not the top digit, drop the rest; "zz" → "zz1". */
function keyAfter(a: string): string {
  for (let i = 0; i < a.length; i++) {
    const d = digit(a[i]);
    if (d < BASE - 1) return a.slice(0, i) + ORDER_DIGITS[d + 1];
  }
  return a + ORDER_DIGITS[1];
}

/** A short step below `b`, staying above 0. */
function keyBefore(b: string): string {
  let i = 0;
  while (b[i] === "0") i++; // terminates: a key has a non-zero last digit
  const d = digit(b[i]);
  if (d >= 2) return b.slice(0, i) + ORDER_DIGITS[d - 1];
  // b[i] is "1": "…1" alone is below a longer b; otherwise go one digit deeper, to "…0z".
  if (b.length > i + 1) return b.slice(0, i + 1);
  return b.slice(0, i) + "0" + ORDER_DIGITS[BASE - 1];
}

/**
 * Greenspan's midpoint: a key between `a` and `b` (`a` may be "", meaning 0; `b` undefined means 1),
 * given a < b and neither ending in "0".
 */
function midpoint(a: string, b: string | undefined): string {
  if (b !== undefined) {
    // Shared leading digits (a padded with zeros) stay; recurse on what follows.
    let n = 0;
    while ((a[n] ?? "0") === b[n]) n++;
    if (n > 0) return b.slice(0, n) + midpoint(a.slice(n), b.slice(n));
  }
  const digitA = a === "" ? 0 : digit(a[0]);
  const digitB = b === undefined ? BASE : digit(b[0]);
  if (digitB - digitA > 1) return ORDER_DIGITS[Math.round((digitA + digitB) / 2)];
  // Adjacent first digits: b's first digit alone is between when b goes on; else extend a.
  if (b !== undefined && b.length > 1) return b.slice(0, 1);
  return ORDER_DIGITS[digitA] + midpoint(a.slice(1), undefined);
}

function digit(char: string): number {
  const d = ORDER_DIGITS.indexOf(char);
  if (d < 0) throw new RangeError(`not a base-62 digit: ${char}`);
  return d;
}
