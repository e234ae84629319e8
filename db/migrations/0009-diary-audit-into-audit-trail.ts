import { type Kysely, sql } from "kysely";

/** The diary's own audit table folds into the one audit trail (admins search it by patient). */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`insert into audit_event (at, actor_id, action, outcome, record_type, record_id, patient_id)
    select at, actor_id, action, 'allowed', 'diary', target_id, patient_id from diary_audit order by at`.execute(db);
  await db.schema.dropTable("diary_audit").execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  // The copied rows stay in audit_event (it is append-only); the old table comes back empty.
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
