import { type Kysely, sql } from "kysely";

/**
 * Supporting sessions (booked after a finished program) are invoiced one by one: the invoice's kind may
 * now be 'supporting' (one session, `session_id` set, no block).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table invoice drop constraint invoice_kind_check`.execute(db);
  await sql`alter table invoice add constraint invoice_kind_check check (kind in ('consultation', 'block', 'supporting'))`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`delete from invoice where kind = 'supporting'`.execute(db);
  await sql`alter table invoice drop constraint invoice_kind_check`.execute(db);
  await sql`alter table invoice add constraint invoice_kind_check check (kind in ('consultation', 'block'))`.execute(db);
}
