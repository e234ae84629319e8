import { type Kysely, sql } from "kysely";

/**
 * A session ended early frees the rest of its slot: `ended_at` records when the therapist ended it, and
 * the no-overlap constraints look at the time it was actually held (from the start to the earlier of
 * its planned end and its end; empty when ended before it started). The planned `ends_at` stays as
 * booked, for the record.
 */
const HELD = sql.raw("tstzrange(starts_at, greatest(starts_at, least(ends_at, coalesce(ended_at, ends_at))))");

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table clinical_session add column ended_at timestamptz`.execute(db);
  await sql`update clinical_session s set ended_at = c.ended_at from session_call c where c.session_id = s.id and c.ended_at is not null`.execute(db);
  await sql`alter table clinical_session drop constraint clinical_session_no_therapist_overlap`.execute(db);
  await sql`alter table clinical_session drop constraint clinical_session_no_patient_overlap`.execute(db);
  await sql`alter table clinical_session add constraint clinical_session_no_therapist_overlap
    exclude using gist (therapist_id with =, ${HELD} with &&) where (status <> 'cancelled')`.execute(db);
  await sql`alter table clinical_session add constraint clinical_session_no_patient_overlap
    exclude using gist (patient_id with =, ${HELD} with &&) where (status <> 'cancelled')`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table clinical_session drop constraint clinical_session_no_therapist_overlap`.execute(db);
  await sql`alter table clinical_session drop constraint clinical_session_no_patient_overlap`.execute(db);
  await sql`alter table clinical_session drop column ended_at`.execute(db);
  await sql`alter table clinical_session add constraint clinical_session_no_therapist_overlap
    exclude using gist (therapist_id with =, tstzrange(starts_at, ends_at) with &&) where (status <> 'cancelled')`.execute(db);
  await sql`alter table clinical_session add constraint clinical_session_no_patient_overlap
    exclude using gist (patient_id with =, tstzrange(starts_at, ends_at) with &&) where (status <> 'cancelled')`.execute(db);
}
