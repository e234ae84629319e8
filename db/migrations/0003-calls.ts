import { type Kysely, sql } from "kysely";

/** Live calls of clinical sessions: who may join, who was admitted, attendance, LiveKit webhook ids. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("session_call")
    .addColumn("session_id", "uuid", (c) => c.primaryKey().references("clinical_session.id").onDelete("cascade"))
    .addColumn("started_at", "timestamptz")
    .addColumn("ended_at", "timestamptz")
    .addColumn("ended_by", "text", (c) => c.references("user.id").onDelete("set null"))
    .addColumn("auto_admit", "boolean", (c) => c.notNull().defaultTo(false))
    .execute();

  await db.schema
    .createTable("call_participant")
    .addColumn("session_id", "uuid", (c) => c.notNull().references("clinical_session.id").onDelete("cascade"))
    .addColumn("user_id", "text", (c) => c.notNull().references("user.id").onDelete("cascade"))
    .addColumn("role", "text", (c) => c.notNull().check(sql`role in ('therapist', 'patient', 'guest_staff')`))
    .addColumn("admitted_at", "timestamptz")
    .addColumn("invited_by", "text", (c) => c.references("user.id").onDelete("set null"))
    .addPrimaryKeyConstraint("call_participant_pk", ["session_id", "user_id"])
    .execute();

  await db.schema
    .createTable("call_attendance")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("session_id", "uuid", (c) => c.notNull().references("clinical_session.id").onDelete("cascade"))
    .addColumn("user_id", "text", (c) => c.notNull().references("user.id").onDelete("cascade"))
    .addColumn("transport", "text", (c) => c.notNull().check(sql`transport in ('p2p', 'livekit')`))
    .addColumn("connection_id", "text", (c) => c.notNull())
    .addColumn("joined_at", "timestamptz", (c) => c.notNull())
    .addColumn("left_at", "timestamptz")
    .addUniqueConstraint("call_attendance_connection_unique", ["session_id", "connection_id"])
    .addCheckConstraint("call_attendance_order", sql`left_at is null or left_at >= joined_at`)
    .execute();
  await db.schema.createIndex("call_attendance_session_idx").on("call_attendance").columns(["session_id", "joined_at"]).execute();

  // Replay protection for LiveKit webhooks: an event id is processed once.
  await db.schema
    .createTable("livekit_webhook_event")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("received_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ["livekit_webhook_event", "call_attendance", "call_participant", "session_call"]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
