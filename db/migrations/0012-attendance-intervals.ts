import { type Kysely, sql } from "kysely";

/**
 * Attendance becomes one record per participant and session, with the intervals they were connected
 * inside it (a reconnect used to add a record). Existing records are folded together.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table call_attendance add column intervals jsonb not null default '[]'::jsonb`.execute(db);
  await sql`update call_attendance a set
      intervals = f.intervals, joined_at = f.first_join, left_at = f.last_leave
    from (
      select session_id, user_id,
        jsonb_agg(jsonb_build_object('connectionId', connection_id, 'joinedAt', to_jsonb(joined_at), 'leftAt', to_jsonb(left_at)) order by joined_at) as intervals,
        min(joined_at) as first_join,
        case when bool_or(left_at is null) then null else max(left_at) end as last_leave
      from call_attendance group by session_id, user_id
    ) f
    where f.session_id = a.session_id and f.user_id = a.user_id`.execute(db);
  await sql`delete from call_attendance a using call_attendance b
    where a.session_id = b.session_id and a.user_id = b.user_id and (a.joined_at, a.id) > (b.joined_at, b.id)`.execute(db);
  await sql`alter table call_attendance drop constraint call_attendance_connection_unique`.execute(db);
  await sql`alter table call_attendance drop column connection_id`.execute(db);
  await sql`alter table call_attendance add constraint call_attendance_participant_unique unique (session_id, user_id)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table call_attendance drop constraint call_attendance_participant_unique`.execute(db);
  await sql`alter table call_attendance add column connection_id text not null default ''`.execute(db);
  await sql`update call_attendance set connection_id = coalesce(intervals->0->>'connectionId', id::text)`.execute(db);
  await sql`alter table call_attendance alter column connection_id drop default`.execute(db);
  await sql`alter table call_attendance add constraint call_attendance_connection_unique unique (session_id, connection_id)`.execute(db);
  await sql`alter table call_attendance drop column intervals`.execute(db);
}
