/**
 * What makes a password refused, beyond its length: a common or leaked password (an offline list,
 * checked also with digits and symbols stripped off the ends, so "password1234!" counts), one
 * character repeated, a plain keyboard or number run, or the user's own e-mail or name.
 */
export const MIN_PASSWORD_LENGTH = 12;

export type PasswordProblem = "too_short" | "too_long" | "common" | "repetitive" | "personal";

export const PASSWORD_PROBLEM_TEXT: Record<PasswordProblem, string> = {
  too_short: `Use at least ${MIN_PASSWORD_LENGTH} characters`,
  too_long: "Use at most 128 characters",
  common: "This password is too common: it appears in lists of leaked passwords. A short sentence is safer.",
  repetitive: "This password is too easy to guess (repeated or sequential characters).",
  personal: "Do not use your name or e-mail address in your password.",
};

const SEQUENCES = ["0123456789012345678901234567890", "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz", "qwertyuiopasdfghjklzxcvbnmqwertyuiop", "qwertzuiopasdfghjklyxcvbnm"];

export function passwordProblem(password: string, context: { email?: string; name?: string }, common: ReadonlySet<string>): PasswordProblem | null {
  if (password.length < MIN_PASSWORD_LENGTH) return "too_short";
  if (password.length > 128) return "too_long";
  const lower = password.toLowerCase();
  const core = lower.replace(/^[^a-z]+|[^a-z]+$/g, "");
  if (common.has(lower) || (core.length >= 6 && common.has(core))) return "common";
  if (new Set(lower).size <= 2) return "repetitive";
  const compact = lower.replace(/[^a-z0-9]/g, "");
  if (compact.length >= MIN_PASSWORD_LENGTH - 2 && SEQUENCES.some((s) => s.includes(compact) || [...s].reverse().join("").includes(compact))) return "repetitive";
  const local = context.email?.toLowerCase().split("@")[0] ?? "";
  const nameParts = (context.name ?? "").toLowerCase().split(/\s+/).filter((p) => p.length >= 4);
  if ((local.length >= 4 && lower.includes(local)) || nameParts.some((p) => lower.includes(p) && lower.replace(p, "").length < 6)) return "personal";
  return null;
}
