import { type Kysely, sql } from "kysely";

/** Audit trail (append-only) and failed sign-ins per account. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("audit_event")
    .addColumn("id", "bigserial", (c) => c.primaryKey())
    .addColumn("at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    // No foreign keys: the trail must outlive the accounts it mentions.
    .addColumn("actor_id", "text")
    .addColumn("actor_role", "text")
    .addColumn("action", "text", (c) => c.notNull())
    .addColumn("outcome", "text", (c) => c.notNull().check(sql`outcome in ('allowed', 'refused', 'failed')`))
    .addColumn("record_type", "text")
    .addColumn("record_id", "text")
    .addColumn("patient_id", "text")
    .addColumn("ip", "text")
    .execute();
  await db.schema.createIndex("audit_event_at_idx").on("audit_event").column("at").execute();
  await db.schema.createIndex("audit_event_patient_idx").on("audit_event").columns(["patient_id", "at"]).execute();
  await db.schema.createIndex("audit_event_actor_idx").on("audit_event").columns(["actor_id", "at"]).execute();
  // Append-only: the database itself refuses to change or delete a recorded event.
  await sql`create function audit_event_append_only() returns trigger language plpgsql as $$
    begin raise exception 'audit_event is append-only'; end $$`.execute(db);
  await sql`create trigger audit_event_no_update before update or delete on audit_event
    for each row execute function audit_event_append_only()`.execute(db);

  await db.schema
    .createTable("login_failure")
    .addColumn("id", "bigserial", (c) => c.primaryKey())
    // A hash of the normalised e-mail: counts per account without keeping addresses of strangers.
    .addColumn("account_key", "text", (c) => c.notNull())
    .addColumn("at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex("login_failure_key_idx").on("login_failure").columns(["account_key", "at"]).execute();

  // Patients' data exports (GDPR art. 15 and 20), prepared in the background.
  await db.schema
    .createTable("data_export")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("user_id", "text", (c) => c.notNull().references("user.id").onDelete("cascade"))
    .addColumn("status", "text", (c) => c.notNull().defaultTo("pending").check(sql`status in ('pending', 'ready', 'failed')`))
    .addColumn("requested_at", "timestamptz", (c) => c.notNull())
    .addColumn("ready_at", "timestamptz")
    .addColumn("expires_at", "timestamptz")
    .addColumn("file_path", "text")
    .addColumn("size_bytes", "integer")
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("data_export").ifExists().execute();
  await db.schema.dropTable("login_failure").ifExists().execute();
  await sql`drop trigger if exists audit_event_no_update on audit_event`.execute(db);
  await db.schema.dropTable("audit_event").ifExists().execute();
  await sql`drop function if exists audit_event_append_only()`.execute(db);
}
