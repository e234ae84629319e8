import { type Kysely, sql } from "kysely";

/** Technique catalogue, whiteboards, homework and practice logs. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("technique")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("description", "text", (c) => c.notNull())
    .addColumn("repetitions", "integer", (c) => c.notNull())
    .addColumn("sets", "integer", (c) => c.notNull())
    .addColumn("times_per_day", "integer", (c) => c.notNull())
    .addColumn("minutes", "integer", (c) => c.notNull())
    .addColumn("created_by", "text", (c) => c.references("user.id").onDelete("set null"))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull())
    .addColumn("archived_at", "timestamptz")
    .addCheckConstraint("technique_dosage", sql`repetitions between 1 and 100 and sets between 1 and 20 and times_per_day between 1 and 6 and minutes between 1 and 120`)
    .execute();

  // Catalogue illustrations (technique_id) and board exports of a session (session_id). Files live
  // under DATA_DIR/uploads (never a served folder); "builtin:" keys are generated demo images.
  await db.schema
    .createTable("illustration")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("technique_id", "uuid", (c) => c.references("technique.id").onDelete("cascade"))
    .addColumn("session_id", "uuid", (c) => c.references("clinical_session.id").onDelete("cascade"))
    .addColumn("storage_key", "text", (c) => c.notNull())
    .addColumn("content_type", "text", (c) => c.notNull().check(sql`content_type in ('image/png', 'image/jpeg', 'image/webp')`))
    .addColumn("byte_size", "integer", (c) => c.notNull())
    .addColumn("caption", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("created_by", "text", (c) => c.references("user.id").onDelete("set null"))
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .addCheckConstraint("illustration_owner", sql`(technique_id is null) <> (session_id is null)`)
    .execute();
  await db.schema.createIndex("illustration_technique_idx").on("illustration").column("technique_id").execute();
  await db.schema.createIndex("illustration_session_idx").on("illustration").column("session_id").execute();

  await db.schema
    .createTable("session_board")
    .addColumn("session_id", "uuid", (c) => c.primaryKey().references("clinical_session.id").onDelete("cascade"))
    .addColumn("locked", "boolean", (c) => c.notNull().defaultTo(false))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull())
    .execute();

  // Sync records (./server/domain/collab): one row per page, element and homework item, the record as
  // jsonb; merged by version in the saving transaction.
  await db.schema
    .createTable("board_page")
    .addColumn("session_id", "uuid", (c) => c.notNull().references("clinical_session.id").onDelete("cascade"))
    .addColumn("page_id", "text", (c) => c.notNull())
    .addColumn("data", "jsonb", (c) => c.notNull())
    .addPrimaryKeyConstraint("board_page_pk", ["session_id", "page_id"])
    .execute();
  await db.schema
    .createTable("board_element")
    .addColumn("session_id", "uuid", (c) => c.notNull().references("clinical_session.id").onDelete("cascade"))
    .addColumn("page_id", "text", (c) => c.notNull())
    .addColumn("element_id", "text", (c) => c.notNull())
    .addColumn("data", "jsonb", (c) => c.notNull())
    .addPrimaryKeyConstraint("board_element_pk", ["session_id", "page_id", "element_id"])
    .execute();
  await db.schema
    .createTable("homework_item")
    .addColumn("session_id", "uuid", (c) => c.notNull().references("clinical_session.id").onDelete("cascade"))
    .addColumn("item_id", "text", (c) => c.notNull())
    .addColumn("data", "jsonb", (c) => c.notNull())
    .addColumn("updated_at", "timestamptz", (c) => c.notNull())
    .addPrimaryKeyConstraint("homework_item_pk", ["session_id", "item_id"])
    .execute();

  await db.schema
    .createTable("practice_log")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("patient_id", "text", (c) => c.notNull().references("user.id").onDelete("cascade"))
    .addColumn("session_id", "uuid", (c) => c.references("clinical_session.id").onDelete("set null"))
    .addColumn("practised_at", "timestamptz", (c) => c.notNull())
    .addColumn("minutes", "integer", (c) => c.notNull().check(sql`minutes between 1 and 180`))
    .addColumn("item_ids", "jsonb", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("practice_log_patient_idx").on("practice_log").columns(["patient_id", "practised_at"]).execute();

  await db.schema
    .createTable("practice_reminder")
    .addColumn("patient_id", "text", (c) => c.primaryKey().references("user.id").onDelete("cascade"))
    .addColumn("enabled", "boolean", (c) => c.notNull())
    .addColumn("local_time", "text", (c) => c.notNull().check(sql`local_time ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ["practice_reminder", "practice_log", "homework_item", "board_element", "board_page", "session_board", "illustration", "technique"]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
