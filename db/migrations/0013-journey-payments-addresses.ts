import { type Kysely, sql } from "kysely";

/**
 * Money and post the clinic can actually handle:
 * - `invoice_payment`: each amount received for an invoice (bank transfers can arrive in parts); the
 *   invoice is paid when they add up to its amount. Existing paid invoices get one payment each.
 * - `invoice.number`: invoices numbered without gaps, in the order they were issued (a trigger takes the
 *   counter row under lock in the issuing transaction, so a rolled-back issue leaves no hole).
 * - `postal_address`: where the welcome package goes; the patient's own, erased with their account.
 * - `outbox_email.attachments`: the local outbox keeps calendar invitations as SMTP would send them.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("invoice_payment")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("invoice_id", "uuid", (c) => c.notNull().references("invoice.id").onDelete("cascade"))
    .addColumn("amount_cents", "integer", (c) => c.notNull().check(sql`amount_cents > 0`))
    .addColumn("paid_at", "timestamptz", (c) => c.notNull())
    .addColumn("reference", "text", (c) => c.notNull())
    .addColumn("recorded_by", "text", (c) => c.references("user.id").onDelete("set null"))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex("invoice_payment_invoice_idx").on("invoice_payment").column("invoice_id").execute();
  await sql`insert into invoice_payment (invoice_id, amount_cents, paid_at, reference, recorded_by)
    select id, amount_cents, paid_at, coalesce(payment_reference, ''), recorded_by from invoice where status = 'paid' and amount_cents > 0`.execute(db);

  await sql`alter table invoice add column number integer`.execute(db);
  await sql`update invoice set number = n.rn from (select id, row_number() over (order by created_at, id) as rn from invoice) n where invoice.id = n.id`.execute(db);
  await sql`create unique index invoice_number_unique on invoice (number)`.execute(db);
  await db.schema.createTable("invoice_counter").addColumn("id", "integer", (c) => c.primaryKey().check(sql`id = 1`)).addColumn("last_number", "integer", (c) => c.notNull()).execute();
  await sql`insert into invoice_counter (id, last_number) select 1, coalesce(max(number), 0) from invoice`.execute(db);
  // Every path that issues an invoice gets its number here, in its own transaction: no path can forget.
  await sql`create function invoice_take_number() returns trigger language plpgsql as $$
    begin
      update invoice_counter set last_number = last_number + 1 where id = 1 returning last_number into new.number;
      return new;
    end $$`.execute(db);
  await sql`create trigger invoice_number_on_insert before insert on invoice for each row when (new.number is null) execute function invoice_take_number()`.execute(db);

  await db.schema
    .createTable("postal_address")
    .addColumn("patient_id", "text", (c) => c.primaryKey().references("user.id").onDelete("cascade"))
    .addColumn("recipient", "text", (c) => c.notNull())
    .addColumn("line1", "text", (c) => c.notNull())
    .addColumn("line2", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("city", "text", (c) => c.notNull())
    .addColumn("region", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("postal_code", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("country", "text", (c) => c.notNull())
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await sql`alter table outbox_email add column attachments jsonb`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table outbox_email drop column attachments`.execute(db);
  await db.schema.dropTable("postal_address").execute();
  await sql`drop trigger invoice_number_on_insert on invoice`.execute(db);
  await sql`drop function invoice_take_number()`.execute(db);
  await db.schema.dropTable("invoice_counter").execute();
  await sql`drop index invoice_number_unique`.execute(db);
  await sql`alter table invoice drop column number`.execute(db);
  await db.schema.dropTable("invoice_payment").execute();
}
