import { type Kysely, sql } from "kysely";

/**
 * Face observation diary, consents and face snapshots.
 *
 * - `diary_entry`: one entry per observation (date typed by the patient as YYYY-MM-DD text, free text,
 *   five 0–10 self-ratings). `diary_reply`: the therapist's answers. `diary_draft`: the entry being
 *   written, saved as the patient types (one per patient), so a reload or a dropped connection loses nothing.
 * - `diary_preference`: the reminder interval per patient (days).
 * - `face_consent`: every grant and withdrawal, kept as history (scope `landmarks` or `photos`).
 * - `face_snapshot` + `face_capture`: the landmarks of each expression and the measures computed from them
 *   with the algorithm version; `photo_path` only with the second opt-in (files live under DATA_DIR, never served directly).
 * - `diary_audit`: who read or changed a patient's diary and snapshots.
 */
const ISO_DATE_CHECK = (column: string) => sql.raw(`${column} ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'`);
const RATING = (column: string) => sql.raw(`${column} is null or ${column} between 0 and 10`);
const RATINGS = ["tension", "pain", "tearing", "synkinesis", "eating"] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  let entry = db.schema
    .createTable("diary_entry")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("patient_id", "text", (c) => c.notNull().references("user.id").onDelete("cascade"))
    .addColumn("entry_date", "text", (c) => c.notNull().check(ISO_DATE_CHECK("entry_date")))
    .addColumn("body", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("session_id", "uuid", (c) => c.references("clinical_session.id").onDelete("set null"));
  for (const r of RATINGS) entry = entry.addColumn(r, "smallint", (c) => c.check(RATING(r)));
  await entry
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex("diary_entry_patient_idx").on("diary_entry").columns(["patient_id", "created_at"]).execute();

  await db.schema
    .createTable("diary_reply")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("entry_id", "uuid", (c) => c.notNull().references("diary_entry.id").onDelete("cascade"))
    .addColumn("author_id", "text", (c) => c.notNull().references("user.id").onDelete("cascade"))
    .addColumn("body", "text", (c) => c.notNull().check(sql`length(body) between 1 and 5000`))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex("diary_reply_entry_idx").on("diary_reply").column("entry_id").execute();

  await db.schema
    .createTable("diary_draft")
    .addColumn("patient_id", "text", (c) => c.primaryKey().references("user.id").onDelete("cascade"))
    .addColumn("content", "jsonb", (c) => c.notNull())
    .addColumn("updated_at", "timestamptz", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("diary_preference")
    .addColumn("patient_id", "text", (c) => c.primaryKey().references("user.id").onDelete("cascade"))
    .addColumn("interval_days", "integer", (c) => c.notNull().check(sql`interval_days between 7 and 42`))
    .addColumn("updated_by", "text", (c) => c.references("user.id").onDelete("set null"))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("face_consent")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("patient_id", "text", (c) => c.notNull().references("user.id").onDelete("cascade"))
    .addColumn("scope", "text", (c) => c.notNull().check(sql`scope in ('landmarks', 'photos')`))
    .addColumn("text_version", "text", (c) => c.notNull())
    .addColumn("granted_at", "timestamptz", (c) => c.notNull())
    .addColumn("withdrawn_at", "timestamptz")
    .execute();
  await db.schema.createIndex("face_consent_patient_idx").on("face_consent").columns(["patient_id", "scope"]).execute();

  await db.schema
    .createTable("face_snapshot")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("patient_id", "text", (c) => c.notNull().references("user.id").onDelete("cascade"))
    .addColumn("entry_id", "uuid", (c) => c.notNull().unique().references("diary_entry.id").onDelete("cascade"))
    .addColumn("session_id", "uuid", (c) => c.references("clinical_session.id").onDelete("set null"))
    .addColumn("affected_side", "text", (c) => c.check(sql`affected_side in ('left', 'right')`))
    .addColumn("algorithm_version", "text", (c) => c.notNull())
    .addColumn("measures", "jsonb", (c) => c.notNull())
    .addColumn("computed_at", "timestamptz", (c) => c.notNull())
    .addColumn("captured_at", "timestamptz", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex("face_snapshot_patient_idx").on("face_snapshot").columns(["patient_id", "captured_at"]).execute();

  await db.schema
    .createTable("face_capture")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("snapshot_id", "uuid", (c) => c.notNull().references("face_snapshot.id").onDelete("cascade"))
    .addColumn("expression", "text", (c) => c.notNull())
    .addColumn("image_width", "integer", (c) => c.notNull())
    .addColumn("image_height", "integer", (c) => c.notNull())
    .addColumn("landmarks", "jsonb", (c) => c.notNull())
    .addColumn("transformation_matrix", "jsonb", (c) => c.notNull())
    .addColumn("blendshapes", "jsonb", (c) => c.notNull())
    .addColumn("pose", "jsonb", (c) => c.notNull())
    .addColumn("captured_at", "timestamptz", (c) => c.notNull())
    .addColumn("photo_path", "text")
    .addColumn("photo_mime", "text")
    .execute();
  await db.schema.createIndex("face_capture_snapshot_idx").on("face_capture").columns(["snapshot_id", "expression"]).unique().execute();

  await db.schema
    .createTable("diary_audit")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("actor_id", "text", (c) => c.references("user.id").onDelete("set null"))
    .addColumn("patient_id", "text", (c) => c.notNull().references("user.id").onDelete("cascade"))
    .addColumn("action", "text", (c) => c.notNull())
    .addColumn("target_id", "text")
    .addColumn("at", "timestamptz", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("diary_audit_patient_idx").on("diary_audit").columns(["patient_id", "at"]).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ["diary_audit", "face_capture", "face_snapshot", "face_consent", "diary_preference", "diary_draft", "diary_reply", "diary_entry"]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
