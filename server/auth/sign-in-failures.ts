/**
 * One counter of failed sign-ins, shared by every way in: the /login form, better-auth's
 * /api/auth/sign-in/email, the two-step code and the backup code (all go through better-auth, whose
 * hooks call this). Only failures count — a clinic behind one address signs in all day without ever
 * meeting the limit — and a refused try is not a failure, so waiting is never extended by trying.
 *
 * Keys are HMACs (of the normalised e-mail, of the address): the table counts without keeping the
 * addresses of strangers. Both kinds of key share one column and index.
 */
import { createHmac } from "node:crypto";
import type { Kysely } from "kysely";
import type { Database } from "../../db/schema";

/** Per account: wrong passwords or codes for one e-mail, from anywhere. */
export const ACCOUNT_FAILURE_LIMIT = 10;
export const FAILURE_WINDOW_MS = 15 * 60_000;

export interface FailureLimits {
  /** Per address: failures from one network address, for any accounts. */
  addressFailures: number;
  windowMs: number;
}

export interface SignInAttempt {
  email?: string;
  address?: string;
}

export function createSignInFailures(deps: { db: Kysely<Database>; secret: string; limits: FailureLimits; now: () => Date }) {
  const key = (kind: string, value: string) => `${kind}:${createHmac("sha256", deps.secret).update(value).digest("hex")}`;
  const keysOf = (attempt: SignInAttempt) => [
    ...(attempt.email ? [{ key: key("account", attempt.email.trim().toLowerCase()), limit: ACCOUNT_FAILURE_LIMIT, windowMs: FAILURE_WINDOW_MS }] : []),
    ...(attempt.address ? [{ key: key("address", attempt.address), limit: deps.limits.addressFailures, windowMs: deps.limits.windowMs }] : []),
  ];

  return {
    /** Whether this attempt must be refused before the password or code is even checked. */
    async blocked(attempt: SignInAttempt): Promise<boolean> {
      for (const { key, limit, windowMs } of keysOf(attempt)) {
        const since = new Date(deps.now().getTime() - windowMs);
        const row = await deps.db
          .selectFrom("loginFailure")
          .select((eb) => eb.fn.countAll<string>().as("n"))
          .where("accountKey", "=", key)
          .where("at", ">", since)
          .executeTakeFirstOrThrow();
        if (Number(row.n) >= limit) return true;
      }
      return false;
    },
    async recordFailure(attempt: SignInAttempt): Promise<void> {
      const rows = keysOf(attempt).map(({ key }) => ({ accountKey: key, at: deps.now() }));
      if (rows.length) await deps.db.insertInto("loginFailure").values(rows).execute();
    },
  };
}

