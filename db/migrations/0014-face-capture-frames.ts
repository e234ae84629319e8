import type { Kysely } from "kysely";

/** Each expression is the median of several frames; the frames are kept so the measures can be recomputed. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("face_capture").addColumn("frames", "jsonb").execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("face_capture").dropColumn("frames").execute();
}
