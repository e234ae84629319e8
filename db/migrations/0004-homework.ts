import type { Kysely } from "kysely";

/** Technique catalogue, whiteboards, homework and practice logs. */
export async function up(_db: Kysely<unknown>): Promise<void> {}

export async function down(_db: Kysely<unknown>): Promise<void> {}
