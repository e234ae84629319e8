import { type Kysely, sql } from "kysely";

/** Two-step sign-in (better-auth's twoFactor plugin tables) and patients' erasure requests. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("user").addColumn("two_factor_enabled", "boolean", (c) => c.notNull().defaultTo(false)).execute();
  await db.schema
    .createTable("two_factor")
    .addColumn("id", "text", (c) => c.primaryKey())
    // Both encrypted by better-auth with the auth secret; never readable from the database alone.
    .addColumn("secret", "text", (c) => c.notNull())
    .addColumn("backup_codes", "text", (c) => c.notNull())
    .addColumn("user_id", "text", (c) => c.notNull().unique().references("user.id").onDelete("cascade"))
    .addColumn("verified", "boolean", (c) => c.notNull().defaultTo(true))
    .addColumn("failed_verification_count", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("locked_until", "timestamptz")
    .execute();

  // GDPR art. 17: the patient asks, an admin confirms, a job erases. Kept after erasure (no personal
  // data in it) so the clinic can show when a request was received and carried out.
  await db.schema
    .createTable("erasure_request")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("patient_id", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull().defaultTo("requested").check(sql`status in ('requested', 'cancelled', 'declined', 'confirmed', 'done')`))
    .addColumn("requested_at", "timestamptz", (c) => c.notNull())
    .addColumn("decided_by", "text")
    .addColumn("decided_at", "timestamptz")
    .addColumn("decline_reason", "text")
    .addColumn("completed_at", "timestamptz")
    .execute();
  // What an erasure keeps of an invoice (accounting law): to whom it was billed, and until when.
  await db.schema.alterTable("invoice").addColumn("billed_to", "text").addColumn("retain_until", "timestamptz").execute();
  // One open request per patient.
  await sql`create unique index erasure_request_open_idx on erasure_request (patient_id) where status in ('requested', 'confirmed')`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("invoice").dropColumn("billed_to").dropColumn("retain_until").execute();
  await db.schema.dropTable("erasure_request").execute();
  await db.schema.dropTable("two_factor").execute();
  await db.schema.alterTable("user").dropColumn("two_factor_enabled").execute();
}
