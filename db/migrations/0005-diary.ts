import type { Kysely } from "kysely";

/** Face observation diary, consents and face snapshots. */
export async function up(_db: Kysely<unknown>): Promise<void> {}

export async function down(_db: Kysely<unknown>): Promise<void> {}
