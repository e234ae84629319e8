import { randomBytes } from "node:crypto";
import type { Kysely } from "kysely";
import type { Database, Role } from "../../db/schema";

/**
 * A verified user with an e-mail/password login, written the way better-auth stores it (a `user` row and
 * a `credential` account holding the password hash). For accounts whose e-mail is already proven:
 * accepted staff invitations and the demo clinic.
 */
export async function insertCredentialUser(
  db: Kysely<Database>,
  user: { name: string; email: string; role: Role; timeZone?: string; passwordHash: string; now: Date },
): Promise<string> {
  const id = randomBytes(16).toString("hex");
  await db
    .insertInto("user")
    .values({ id, name: user.name, email: user.email, emailVerified: true, image: null, role: user.role, ...(user.timeZone ? { timeZone: user.timeZone } : {}), createdAt: user.now, updatedAt: user.now })
    .execute();
  await db
    .insertInto("account")
    .values({
      id: randomBytes(16).toString("hex"),
      userId: id,
      accountId: id,
      providerId: "credential",
      password: user.passwordHash,
      accessToken: null,
      refreshToken: null,
      idToken: null,
      accessTokenExpiresAt: null,
      refreshTokenExpiresAt: null,
      scope: null,
      createdAt: user.now,
      updatedAt: user.now,
    })
    .execute();
  return id;
}
