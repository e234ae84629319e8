/** Where the welcome package goes: the patient gives and corrects it; the planning desk prints the label. */
import { checkPostalAddress, labelLines, type PostalAddress } from "../../domain/journey/postal-address";
import { audit } from "../audit";
import type { Actor, AppServices } from "../context";
import { type JourneyResult, ok, requireRole, SCHEDULING_ROLES } from "./common";
import { findIntake } from "./intake";

export function countryName(code: string): string {
  try {
    return new Intl.DisplayNames(["en"], { type: "region" }).of(code) ?? code;
  } catch {
    return code;
  }
}

export async function myPostalAddress(services: AppServices, actor: Actor): Promise<PostalAddress & { stored: boolean }> {
  requireRole(actor, "patient");
  const row = await services.db.selectFrom("postalAddress").selectAll().where("patientId", "=", actor.userId).executeTakeFirst();
  if (row) return { recipient: row.recipient, line1: row.line1, line2: row.line2, city: row.city, region: row.region, postalCode: row.postalCode, country: row.country, stored: true };
  // A first guess from what we know: their name and the country of the intake.
  const [user, intake] = await Promise.all([services.db.selectFrom("user").select("name").where("id", "=", actor.userId).executeTakeFirstOrThrow(), findIntake(services.db, actor.userId)]);
  return { recipient: user.name, line1: "", line2: "", city: "", region: "", postalCode: "", country: intake?.country ?? "", stored: false };
}

export async function saveMyPostalAddress(services: AppServices, actor: Actor, input: Record<string, unknown>): Promise<JourneyResult<PostalAddress>> {
  requireRole(actor, "patient");
  const text = (key: string) => (typeof input[key] === "string" ? (input[key] as string).trim() : "");
  const address: PostalAddress = {
    recipient: text("recipient"),
    line1: text("line1"),
    line2: text("line2"),
    city: text("city"),
    region: text("region"),
    postalCode: text("postalCode").toUpperCase(),
    country: text("country").toUpperCase(),
  };
  const errors = checkPostalAddress(address);
  if (Object.keys(errors).length) return { ok: false, code: "INVALID_ADDRESS", fieldErrors: errors as Record<string, string>, formError: "Please check the address." };
  const now = services.now();
  await services.db
    .insertInto("postalAddress")
    .values({ patientId: actor.userId, ...address, updatedAt: now })
    .onConflict((oc) => oc.column("patientId").doUpdateSet({ ...address, updatedAt: now }))
    .execute();
  await audit(services, { actor, action: "postal_address.written", recordType: "postal_address", recordId: actor.userId, patientId: actor.userId });
  return ok(address);
}

/** The label of one program's package, for the planning desk to print. */
export async function shippingLabel(services: AppServices, actor: Actor, programId: string): Promise<{ patientName: string; lines: string[] | null }> {
  requireRole(actor, ...SCHEDULING_ROLES);
  const row = /^[0-9a-f-]{36}$/i.test(programId)
    ? await services.db
        .selectFrom("program as pr")
        .innerJoin("user as p", "p.id", "pr.patientId")
        .leftJoin("postalAddress as a", "a.patientId", "pr.patientId")
        .select(["pr.patientId", "p.name", "a.recipient", "a.line1", "a.line2", "a.city", "a.region", "a.postalCode", "a.country"])
        .where("pr.id", "=", programId)
        .executeTakeFirst()
    : undefined;
  if (!row) throw Object.assign(new Error("No such program"), { code: "NOT_FOUND" });
  await audit(services, { actor, action: "postal_address.read", recordType: "postal_address", recordId: row.patientId, patientId: row.patientId });
  if (!row.line1 || !row.country) return { patientName: row.name, lines: null };
  const address: PostalAddress = { recipient: row.recipient ?? row.name, line1: row.line1, line2: row.line2 ?? "", city: row.city ?? "", region: row.region ?? "", postalCode: row.postalCode ?? "", country: row.country };
  return { patientName: row.name, lines: labelLines(address, countryName(address.country)) };
}

