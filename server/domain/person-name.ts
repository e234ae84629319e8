/**
 * One rule for a person's name on every path that stores one (registration, staff invitations and
 * better-auth's sign-up and update-user): a name is shown on pages, e-mails and PDFs, so it has a length
 * limit and no control or text-direction characters that could disguise what a reader sees.
 */
import { z } from "zod";

export const NAME_MAX_LENGTH = 100;

// C0/C1 controls and the bidirectional overrides/isolates (U+202A–U+202E, U+2066–U+2069).
const UNSAFE_CHARACTERS = /[\p{Cc}\u202A-\u202E\u2066-\u2069]/u;

export const personNameSchema = z
  .string({ message: "Enter a name" })
  .trim()
  .min(1, "Enter a name")
  .max(NAME_MAX_LENGTH, `Use at most ${NAME_MAX_LENGTH} characters`)
  .refine((name) => !UNSAFE_CHARACTERS.test(name), "Use letters, spaces and punctuation only");
