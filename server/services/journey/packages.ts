/** The welcome package ("passport" folder) posted at the start of a program; the planning desk records it. */
import { z } from "zod";
import { isUniqueViolation } from "../../../db/client";
import { compareIsoDates, isIsoDate } from "../../domain/journey/calendar-date";
import { todayIn } from "../../domain/journey/zoned-time";
import { labelLines } from "../../domain/journey/postal-address";
import type { Actor, AppServices } from "../context";
import { countryName } from "./postal-address";
import { failure, idField, type JourneyResult, loadUser, notFound, ok, parseInput, requireRole, SCHEDULING_ROLES } from "./common";

const NOT_SHIPPING = ["not_suitable", "cancelled", "clinic_visit_planned"];

const shipmentSchema = z.object({
  programId: idField("Choose the program"),
  shippedOn: z.string({ message: "Enter the shipping date (YYYY-MM-DD)" }).trim().refine(isIsoDate, "Enter the shipping date (YYYY-MM-DD)"),
  carrier: z.string().trim().max(100, "Keep this under 100 characters").default(""),
  trackingNumber: z.string({ message: "Enter the tracking number" }).trim().min(1, "Enter the tracking number").max(100, "Keep this under 100 characters"),
});

export interface WelcomePackageShipment {
  programId: string;
  shippedOn: string;
  carrier: string;
  trackingNumber: string;
}

export async function recordWelcomePackageShipment(services: AppServices, actor: Actor, input: unknown): Promise<JourneyResult<WelcomePackageShipment>> {
  requireRole(actor, ...SCHEDULING_ROLES);
  const parsed = parseInput(shipmentSchema, input);
  if (!parsed.ok) return parsed.failure;
  const { programId, shippedOn, carrier, trackingNumber } = parsed.data;
  const viewer = await loadUser(services.db, actor.userId);
  if (compareIsoDates(shippedOn, todayIn(viewer.timeZone, services.now())) > 0) {
    return failure("DATE_IN_FUTURE", "The shipping date cannot be in the future", "shippedOn");
  }
  const program = await services.db.selectFrom("program").select(["id", "status"]).where("id", "=", programId).executeTakeFirst();
  if (!program) notFound("Program");
  if (NOT_SHIPPING.includes(program.status)) return failure("NOT_SHIPPING", "This program does not get a welcome package");
  try {
    await services.db
      .insertInto("welcomePackage")
      .values({ programId, shippedOn, carrier, trackingNumber, recordedBy: actor.userId, recordedAt: services.now() })
      .execute();
  } catch (error) {
    if (isUniqueViolation(error)) return failure("ALREADY_SHIPPED", "The shipment of this package is already recorded");
    throw error;
  }
  return ok({ programId, shippedOn, carrier, trackingNumber });
}

export interface PackageToShip {
  programId: string;
  patientId: string;
  patientName: string;
  country: string | null;
  enrolledAt: Date;
  /** The label's lines; null while the patient has not given an address. */
  addressLines: string[] | null;
}

/** Enrolled programs whose package has not been recorded as shipped, oldest enrolment first. */
export async function packagesToShip(services: AppServices, actor: Actor): Promise<PackageToShip[]> {
  requireRole(actor, ...SCHEDULING_ROLES);
  const rows = await services.db
    .selectFrom("program as pr")
    .innerJoin("user as p", "p.id", "pr.patientId")
    .leftJoin("patientIntake as i", "i.patientId", "pr.patientId")
    .leftJoin("welcomePackage as w", "w.programId", "pr.id")
    .leftJoin("postalAddress as a", "a.patientId", "pr.patientId")
    .select(["pr.id as programId", "pr.patientId", "p.name as patientName", "i.country", "pr.enrolledAt"])
    .select(["a.recipient", "a.line1", "a.line2", "a.city", "a.region", "a.postalCode", "a.country as addressCountry"])
    .where("w.programId", "is", null)
    .where("pr.status", "not in", NOT_SHIPPING)
    .orderBy("pr.enrolledAt")
    .execute();
  return rows.map((r) => ({
    programId: r.programId,
    patientId: r.patientId,
    patientName: r.patientName,
    country: r.addressCountry ?? r.country,
    enrolledAt: r.enrolledAt,
    addressLines:
      r.line1 && r.addressCountry
        ? labelLines({ recipient: r.recipient ?? r.patientName, line1: r.line1, line2: r.line2 ?? "", city: r.city ?? "", region: r.region ?? "", postalCode: r.postalCode ?? "", country: r.addressCountry }, countryName(r.addressCountry))
        : null,
  }));
}
