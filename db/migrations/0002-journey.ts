import { type Kysely, sql } from "kysely";

/**
 * The patient journey: intake, therapist availability, clinical sessions (consultation, program,
 * conclusion, supporting), session plans, invoices, payment overrides, welcome packages, clinic
 * settings, and the durable job queue with its mail-delivery ledger.
 *
 * Calendar dates typed by people (onset, day off, shipping day) are `text` checked as YYYY-MM-DD, not
 * `date`: the two drivers turn `date` into a JS Date at some midnight, which is how a date slips a day.
 * Instants are `timestamptz`; money is integer cents.
 */
const ISO_DATE_CHECK = (column: string) => sql.raw(`${column} ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'`);

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create extension if not exists btree_gist`.execute(db);

  await db.schema
    .createTable("clinic_setting")
    .addColumn("key", "text", (c) => c.primaryKey())
    .addColumn("value", "jsonb", (c) => c.notNull())
    .addColumn("updated_by", "text", (c) => c.references("user.id").onDelete("set null"))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable("patient_intake")
    .addColumn("patient_id", "text", (c) => c.primaryKey().references("user.id").onDelete("cascade"))
    .addColumn("condition", "text", (c) => c.notNull().check(sql`condition in ('bells_palsy', 'ramsay_hunt', 'other_peripheral')`))
    .addColumn("special_causes", "jsonb", (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn("affected_side", "text", (c) => c.notNull().check(sql`affected_side in ('left', 'right', 'both')`))
    .addColumn("onset_date", "text", (c) => c.notNull().check(ISO_DATE_CHECK("onset_date")))
    .addColumn("country", "text", (c) => c.notNull().check(sql`country ~ '^[A-Z]{2}$'`))
    .addColumn("time_zone", "text", (c) => c.notNull())
    .addColumn("concerns", "jsonb", (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn("free_text", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("preferred_time_of_day", "text", (c) => c.check(sql`preferred_time_of_day in ('morning', 'afternoon', 'evening')`))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable("therapist_schedule")
    .addColumn("therapist_id", "text", (c) => c.primaryKey().references("user.id").onDelete("cascade"))
    .addColumn("time_zone", "text", (c) => c.notNull())
    .addColumn("offers_consultations", "boolean", (c) => c.notNull().defaultTo(true))
    .addColumn("updated_by", "text", (c) => c.references("user.id").onDelete("set null"))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable("availability_weekly")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("therapist_id", "text", (c) => c.notNull().references("therapist_schedule.therapist_id").onDelete("cascade"))
    .addColumn("weekday", "integer", (c) => c.notNull().check(sql`weekday between 1 and 7`))
    .addColumn("start_time", "text", (c) => c.notNull())
    .addColumn("end_time", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("availability_weekly_therapist_idx").on("availability_weekly").column("therapist_id").execute();

  await db.schema
    .createTable("availability_exception")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("therapist_id", "text", (c) => c.notNull().references("therapist_schedule.therapist_id").onDelete("cascade"))
    .addColumn("date", "text", (c) => c.notNull().check(ISO_DATE_CHECK("date")))
    .addColumn("kind", "text", (c) => c.notNull().check(sql`kind in ('unavailable', 'extra')`))
    .addColumn("start_time", "text")
    .addColumn("end_time", "text")
    .addColumn("note", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("created_by", "text", (c) => c.references("user.id").onDelete("set null"))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint("availability_exception_window", sql`(start_time is null) = (end_time is null) and (kind = 'unavailable' or start_time is not null)`)
    .execute();
  await db.schema.createIndex("availability_exception_therapist_idx").on("availability_exception").columns(["therapist_id", "date"]).execute();

  // One row per patient program (module 1, then module 2 or an extension on the same row).
  await db.schema
    .createTable("program")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("patient_id", "text", (c) => c.notNull().references("user.id").onDelete("cascade"))
    .addColumn("therapist_id", "text", (c) => c.notNull().references("user.id"))
    .addColumn("status", "text", (c) =>
      c.notNull().check(sql`status in ('consultation_booked', 'consultation_done', 'awaiting_plan', 'plan_proposed',
        'module1_in_progress', 'conclusion_due', 'conclusion_planned', 'decision_pending', 'module2_in_progress',
        'extension_in_progress', 'clinic_visit_planned', 'finished', 'not_suitable', 'cancelled')`),
    )
    .addColumn("track", "text", (c) => c.notNull().check(sql`track in ('module1', 'module2', 'extension')`))
    .addColumn("sessions_completed", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("sessions_total", "integer", (c) => c.notNull())
    .addColumn("supporting_sessions_completed", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("enrolled_at", "timestamptz", (c) => c.notNull())
    .addColumn("plan_due_at", "timestamptz")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex("program_patient_idx").on("program").column("patient_id").execute();
  await db.schema.createIndex("program_therapist_idx").on("program").column("therapist_id").execute();
  // At most one live program per patient.
  await sql`create unique index program_one_active_per_patient on program (patient_id)
    where status not in ('finished', 'not_suitable', 'cancelled', 'clinic_visit_planned')`.execute(db);

  await db.schema
    .createTable("clinical_session")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("kind", "text", (c) => c.notNull().check(sql`kind in ('consultation', 'program', 'conclusion', 'supporting')`))
    .addColumn("therapist_id", "text", (c) => c.notNull().references("user.id"))
    .addColumn("patient_id", "text", (c) => c.notNull().references("user.id").onDelete("cascade"))
    .addColumn("program_id", "uuid", (c) => c.references("program.id").onDelete("cascade"))
    .addColumn("sequence", "integer", (c) => c.check(sql`sequence >= 1`))
    .addColumn("starts_at", "timestamptz", (c) => c.notNull())
    .addColumn("ends_at", "timestamptz", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull().defaultTo("scheduled").check(sql`status in ('scheduled', 'cancelled', 'completed')`))
    // Bumped on every change so calendar clients replace the event they already have (RFC 5545 SEQUENCE).
    .addColumn("ics_sequence", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("cancelled_at", "timestamptz")
    .addColumn("cancel_reason", "text")
    .addColumn("created_by", "text", (c) => c.references("user.id").onDelete("set null"))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint("clinical_session_ends_after_start", sql`ends_at > starts_at`)
    .addCheckConstraint("clinical_session_program_numbered", sql`kind <> 'program' or (program_id is not null and sequence is not null)`)
    .execute();
  // Double booking is impossible in the database itself, whatever the application does.
  await sql`alter table clinical_session add constraint clinical_session_no_therapist_overlap
    exclude using gist (therapist_id with =, tstzrange(starts_at, ends_at) with &&) where (status <> 'cancelled')`.execute(db);
  await sql`alter table clinical_session add constraint clinical_session_no_patient_overlap
    exclude using gist (patient_id with =, tstzrange(starts_at, ends_at) with &&) where (status <> 'cancelled')`.execute(db);
  await sql`create unique index clinical_session_program_sequence on clinical_session (program_id, kind, sequence)
    where status <> 'cancelled' and program_id is not null and sequence is not null`.execute(db);
  // One consultation waiting at a time per patient (two tabs booking two different slots cannot both win).
  await sql`create unique index clinical_session_one_open_consultation on clinical_session (patient_id)
    where kind = 'consultation' and status = 'scheduled'`.execute(db);
  await db.schema.createIndex("clinical_session_patient_idx").on("clinical_session").columns(["patient_id", "starts_at"]).execute();
  await db.schema.createIndex("clinical_session_starts_idx").on("clinical_session").column("starts_at").execute();

  await db.schema
    .createTable("consultation_outcome")
    .addColumn("session_id", "uuid", (c) => c.primaryKey().references("clinical_session.id").onDelete("cascade"))
    .addColumn("outcome", "text", (c) => c.notNull().check(sql`outcome in ('enrol', 'not_suitable', 'clinic_visit')`))
    .addColumn("reason", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("program_id", "uuid", (c) => c.references("program.id").onDelete("set null"))
    .addColumn("recorded_by", "text", (c) => c.notNull().references("user.id"))
    .addColumn("recorded_at", "timestamptz", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("session_plan")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("program_id", "uuid", (c) => c.notNull().references("program.id").onDelete("cascade"))
    .addColumn("track", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull().check(sql`status in ('sent', 'accepted', 'changes_requested', 'superseded')`))
    .addColumn("proposed_by", "text", (c) => c.notNull().references("user.id"))
    .addColumn("sent_at", "timestamptz", (c) => c.notNull())
    .addColumn("responded_at", "timestamptz")
    .addColumn("patient_message", "text")
    .execute();
  await sql`create unique index session_plan_one_open on session_plan (program_id) where status = 'sent'`.execute(db);

  await db.schema
    .createTable("session_plan_item")
    .addColumn("plan_id", "uuid", (c) => c.notNull().references("session_plan.id").onDelete("cascade"))
    .addColumn("position", "integer", (c) => c.notNull())
    .addColumn("sequence", "integer", (c) => c.notNull())
    .addColumn("starts_at", "timestamptz", (c) => c.notNull())
    .addColumn("ends_at", "timestamptz", (c) => c.notNull())
    .addColumn("deviation_code", "text")
    .addColumn("deviation_reason", "text")
    .addPrimaryKeyConstraint("session_plan_item_pk", ["plan_id", "position"])
    .execute();

  await db.schema
    .createTable("invoice")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("patient_id", "text", (c) => c.notNull().references("user.id").onDelete("cascade"))
    .addColumn("kind", "text", (c) => c.notNull().check(sql`kind in ('consultation', 'block')`))
    .addColumn("session_id", "uuid", (c) => c.references("clinical_session.id").onDelete("set null"))
    .addColumn("program_id", "uuid", (c) => c.references("program.id").onDelete("cascade"))
    .addColumn("block", "integer")
    .addColumn("amount_cents", "integer", (c) => c.notNull().check(sql`amount_cents >= 0`))
    .addColumn("currency", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull().defaultTo("unpaid").check(sql`status in ('unpaid', 'paid', 'void')`))
    .addColumn("due_at", "timestamptz")
    .addColumn("paid_at", "timestamptz")
    .addColumn("payment_reference", "text")
    .addColumn("recorded_by", "text", (c) => c.references("user.id").onDelete("set null"))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint("invoice_block_shape", sql`(kind = 'block') = (program_id is not null and block is not null)`)
    .addCheckConstraint("invoice_paid_shape", sql`(status = 'paid') = (paid_at is not null)`)
    .execute();
  await sql`create unique index invoice_one_per_block on invoice (program_id, block) where kind = 'block' and status <> 'void'`.execute(db);
  await db.schema.createIndex("invoice_patient_idx").on("invoice").column("patient_id").execute();
  await sql`create index invoice_unpaid_idx on invoice (due_at) where status = 'unpaid'`.execute(db);

  await db.schema
    .createTable("payment_override")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("session_id", "uuid", (c) => c.notNull().unique().references("clinical_session.id").onDelete("cascade"))
    .addColumn("block", "integer", (c) => c.notNull())
    .addColumn("by_user_id", "text", (c) => c.notNull().references("user.id"))
    .addColumn("role", "text", (c) => c.notNull().check(sql`role in ('planner', 'therapist')`))
    .addColumn("reason", "text", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("welcome_package")
    .addColumn("program_id", "uuid", (c) => c.primaryKey().references("program.id").onDelete("cascade"))
    .addColumn("shipped_on", "text", (c) => c.notNull().check(ISO_DATE_CHECK("shipped_on")))
    .addColumn("carrier", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("tracking_number", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("recorded_by", "text", (c) => c.notNull().references("user.id"))
    .addColumn("recorded_at", "timestamptz", (c) => c.notNull())
    .execute();

  // Durable jobs, claimed with FOR UPDATE SKIP LOCKED: the same SQL on PGlite and PostgreSQL.
  await db.schema
    .createTable("job")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("payload", "jsonb", (c) => c.notNull())
    .addColumn("dedupe_key", "text", (c) => c.notNull().unique())
    .addColumn("run_at", "timestamptz", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull().defaultTo("pending").check(sql`status in ('pending', 'running', 'done', 'failed')`))
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("max_attempts", "integer", (c) => c.notNull().defaultTo(5))
    .addColumn("locked_until", "timestamptz")
    .addColumn("locked_by", "text")
    .addColumn("last_error", "text")
    .addColumn("result", "text")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("finished_at", "timestamptz")
    .execute();
  await sql`create index job_due on job (run_at) where status in ('pending', 'running')`.execute(db);

  // One row per e-mail that must go out at most once (a reminder, a confirmation), written before the
  // SMTP call: a retried job sees it and does not send again.
  await db.schema
    .createTable("mail_delivery")
    .addColumn("dedupe_key", "text", (c) => c.primaryKey())
    .addColumn("status", "text", (c) => c.notNull().check(sql`status in ('sending', 'sent')`))
    .addColumn("to_address", "text", (c) => c.notNull())
    .addColumn("subject", "text", (c) => c.notNull())
    .addColumn("started_at", "timestamptz", (c) => c.notNull())
    .addColumn("sent_at", "timestamptz")
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    "mail_delivery",
    "job",
    "welcome_package",
    "payment_override",
    "invoice",
    "session_plan_item",
    "session_plan",
    "consultation_outcome",
    "clinical_session",
    "program",
    "availability_exception",
    "availability_weekly",
    "therapist_schedule",
    "patient_intake",
    "clinic_setting",
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
