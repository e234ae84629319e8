import { type Kysely, sql } from "kysely";
import { isValidTimeZone } from "../../server/domain/time-zone";

/**
 * Before every path validated time zones, better-auth stored whatever sign-up and update-user were sent;
 * a zone no date arithmetic can use ("Bogus/Zone") made pages hang. Such zones become UTC (the default)
 * once; from now on nothing can store them again.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  for (const table of ["user", "patient_intake", "therapist_schedule"]) {
    const rows = await sql<{ zone: string }>`select distinct time_zone as zone from ${sql.table(table)}`.execute(db);
    const unknown = rows.rows.map((r) => r.zone).filter((zone) => !isValidTimeZone(zone));
    if (unknown.length) await sql`update ${sql.table(table)} set time_zone = 'UTC' where time_zone in (${sql.join(unknown)})`.execute(db);
  }
}

export async function down(): Promise<void> {
  // The unknown zones are not kept: there is nothing to go back to.
}
