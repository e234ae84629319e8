/**
 * Invoices and payments. Bank transfers are recorded by the planning desk (no card payments yet); a
 * program session whose block is unpaid cannot be joined unless a planner or its therapist records an
 * override with a reason (pure `canStartSession`). Money is integer cents throughout.
 */
import { z } from "zod";
import { isUniqueViolation } from "../../../db/client";
import { isUuid } from "../../domain/ids";
import { canStartSession, formatMoney } from "../../domain/journey/billing";
import { compareIsoDates, isIsoDate } from "../../domain/journey/calendar-date";
import { startOfLocalDay, todayIn } from "../../domain/journey/zoned-time";
import { audit, auditPatientList } from "../audit";
import type { Actor, AppServices } from "../context";
import { failure, idField, type JourneyResult, loadUser, notFound, ok, parseInput, type Queryable, requireRole, SCHEDULING_ROLES, zoned, type ZonedTime } from "./common";
import { billingSettingsOf, loadJourneySettings } from "./settings";
import { sessionKinds } from "../../domain/session-kinds";
import { blockPaymentState, type JoinDecision, paidBlocksOf } from "../sessions/payment-state";

export type { JoinDecision };

export interface InvoiceView {
  id: string;
  patientId: string;
  patientName: string;
  kind: "consultation" | "block" | "supporting";
  /** The session a per-session invoice belongs to (null for a block). */
  sessionId: string | null;
  block: number | null;
  amountCents: number;
  currency: string;
  amount: string;
  status: "unpaid" | "paid" | "void";
  dueAt: ZonedTime | null;
  overdue: boolean;
  paidAt: Date | null;
  paymentReference: string | null;
  /** Received so far (partial transfers), and what is still due. */
  paidCents: number;
  balanceCents: number;
  balance: string;
}

/** The sum received per invoice, from its recorded payments. */
export async function paidCentsOf(db: Queryable, invoiceIds: string[]): Promise<Map<string, number>> {
  if (invoiceIds.length === 0) return new Map();
  const rows = await db
    .selectFrom("invoicePayment")
    .select(["invoiceId", (eb) => eb.fn.sum<string>("amountCents").as("cents")])
    .where("invoiceId", "in", invoiceIds)
    .groupBy("invoiceId")
    .execute();
  return new Map(rows.map((r) => [r.invoiceId, Number(r.cents)]));
}

/** For the planning desk: every unpaid invoice, the earliest due first, overdue ones marked. */
export async function listUnpaidInvoices(services: AppServices, actor: Actor): Promise<InvoiceView[]> {
  requireRole(actor, ...SCHEDULING_ROLES);
  const viewer = await loadUser(services.db, actor.userId);
  const invoices = await listInvoices(services, viewer.timeZone, { status: "unpaid" });
  await auditPatientList(services, { actor, action: "invoice.list_read", recordType: "invoice_list" }, invoices.map((i) => i.patientId));
  return invoices;
}

export async function listInvoices(
  services: AppServices,
  viewerTimeZone: string,
  filter: { status?: "unpaid" | "paid" | "void"; id?: string; patientId?: string; programId?: string },
): Promise<InvoiceView[]> {
  const now = services.now();
  let query = services.db
    .selectFrom("invoice as i")
    .innerJoin("user as p", "p.id", "i.patientId")
    .select([
      "i.id",
      "i.patientId",
      "p.name as patientName",
      "i.kind",
      "i.sessionId",
      "i.block",
      "i.amountCents",
      "i.currency",
      "i.status",
      "i.dueAt",
      "i.paidAt",
      "i.paymentReference",
    ]);
  if (filter.status) query = query.where("i.status", "=", filter.status);
  if (filter.id) query = query.where("i.id", "=", filter.id);
  if (filter.patientId) query = query.where("i.patientId", "=", filter.patientId);
  if (filter.programId) query = query.where("i.programId", "=", filter.programId);
  const rows = await query.orderBy("i.dueAt").orderBy("i.createdAt").execute();
  const paid = await paidCentsOf(services.db, rows.map((r) => r.id));
  return rows.map((r) => {
    // A paid invoice is settled whatever its payment rows (Stripe records none of its own).
    const paidCents = r.status === "paid" ? r.amountCents : (paid.get(r.id) ?? 0);
    const balanceCents = r.status === "unpaid" ? r.amountCents - paidCents : 0;
    return {
    ...r,
    paidCents,
    balanceCents,
    balance: formatMoney(balanceCents, r.currency),
    amount: formatMoney(r.amountCents, r.currency),
    dueAt: r.dueAt ? zoned(r.dueAt, viewerTimeZone) : null,
    overdue: r.status === "unpaid" && r.dueAt !== null && r.dueAt.getTime() < now.getTime(),
    };
  });
}

/** A patient's own invoices (consultation and blocks), latest due last, in their zone. */
export async function listMyInvoices(services: AppServices, actor: Actor): Promise<InvoiceView[]> {
  requireRole(actor, "patient");
  const viewer = await loadUser(services.db, actor.userId);
  const invoices = await listInvoices(services, viewer.timeZone, { patientId: actor.userId });
  // A patient's invoice list: one row, keyed by the patient.
  await audit(services, { actor, action: "invoice.read", recordType: "invoice_list", recordId: actor.userId, patientId: actor.userId });
  return invoices;
}

const paymentSchema = z.object({
  invoiceId: idField("Choose the invoice"),
  amountCents: z.coerce.number({ message: "Enter the amount received, in cents" }).int("Enter whole cents").positive("Enter the amount received"),
  /** The day the bank received it, on the planner's calendar; today when left out. */
  paidOn: z
    .string()
    .trim()
    .optional()
    .transform((v) => (v === "" ? undefined : v))
    .refine((v) => v === undefined || isIsoDate(v), "Enter a real date (YYYY-MM-DD)"),
  reference: z.string({ message: "Enter the bank reference" }).trim().min(1, "Enter the bank reference").max(200, "Keep the reference under 200 characters"),
});

/** The planning desk records a bank payment: the whole amount still due, or a part of it. */
export async function recordPayment(services: AppServices, actor: Actor, input: unknown): Promise<JourneyResult<InvoiceView>> {
  requireRole(actor, ...SCHEDULING_ROLES);
  const parsed = parseInput(paymentSchema, input);
  if (!parsed.ok) return parsed.failure;
  const { invoiceId, amountCents, paidOn, reference } = parsed.data;
  const viewer = await loadUser(services.db, actor.userId);
  const invoice = await services.db.selectFrom("invoice").selectAll().where("id", "=", invoiceId).executeTakeFirst();
  if (!invoice) notFound("Invoice");
  if (invoice.status === "paid") return failure("ALREADY_PAID", "This invoice is already paid");
  if (invoice.status === "void") return failure("INVOICE_VOID", "This invoice was cancelled");
  const now = services.now();
  const today = todayIn(viewer.timeZone, now);
  if (paidOn && compareIsoDates(paidOn, today) > 0) return failure("DATE_IN_FUTURE", "The payment date cannot be in the future", "paidOn");
  const paidAt = paidOn && paidOn !== today ? startOfLocalDay(paidOn, viewer.timeZone) : now;
  // Transfers may arrive in parts: each is kept; the invoice is paid when they add up to its amount.
  const outcome = await services.db.transaction().execute(async (trx) => {
    const locked = await trx.selectFrom("invoice").select(["status", "amountCents"]).where("id", "=", invoiceId).forUpdate().executeTakeFirstOrThrow();
    if (locked.status !== "unpaid") return { error: "ALREADY_PAID" as const };
    const paid = await paidCentsOf(trx, [invoiceId]);
    const balance = locked.amountCents - (paid.get(invoiceId) ?? 0);
    if (amountCents > balance) return { error: "TOO_MUCH" as const, balance };
    await trx.insertInto("invoicePayment").values({ invoiceId, amountCents, paidAt, reference, recordedBy: actor.userId }).execute();
    if (amountCents === balance) {
      await trx.updateTable("invoice").set({ status: "paid", paidAt, paymentReference: reference, recordedBy: actor.userId }).where("id", "=", invoiceId).execute();
    }
    return { error: null };
  });
  if (outcome.error === "ALREADY_PAID") return failure("ALREADY_PAID", "This invoice was just recorded as paid");
  if (outcome.error === "TOO_MUCH") {
    return failure("AMOUNT_TOO_HIGH", `The payment is more than what is still due: ${formatMoney(outcome.balance ?? 0, invoice.currency)}`, "amountCents");
  }
  await audit(services, { actor, action: "invoice.payment_recorded", recordType: "invoice", recordId: invoiceId, patientId: invoice.patientId });
  const [view] = await listInvoices(services, viewer.timeZone, { id: invoiceId });
  return ok(view);
}

async function loadSessionForJoin(services: AppServices, actor: Actor, sessionId: string) {
  if (!isUuid(sessionId)) notFound("Session");
  const session = await services.db.selectFrom("clinicalSession").selectAll().where("id", "=", sessionId).executeTakeFirst();
  if (!session) notFound("Session");
  const participant = actor.userId === session.patientId || actor.userId === session.therapistId;
  if (!participant && !SCHEDULING_ROLES.includes(actor.role)) notFound("Session");
  return session;
}

/**
 * May this session start? The session page asks before connecting. Program sessions need their block
 * paid or an override; consultations, conclusions and supporting sessions are not part of a block.
 */
export async function canJoinSession(services: AppServices, actor: Actor, sessionId: string): Promise<JoinDecision> {
  const session = await loadSessionForJoin(services, actor, sessionId);
  return blockPaymentState(services.db, session.id);
}

const overrideSchema = z.object({
  sessionId: idField("Choose the session"),
  reason: z.string({ message: "Give a reason for starting an unpaid session" }).trim().min(1, "Give a reason for starting an unpaid session").max(1000, "Keep the reason under 1000 characters"),
});

/** A planner, or the session's own therapist, lets a session of an unpaid block start; who and why is kept. */
export async function overrideUnpaidBlock(services: AppServices, actor: Actor, input: unknown): Promise<JourneyResult<JoinDecision>> {
  const parsed = parseInput(overrideSchema, input);
  if (!parsed.ok) return parsed.failure;
  const session = await loadSessionForJoin(services, actor, parsed.data.sessionId);
  const role = SCHEDULING_ROLES.includes(actor.role) ? "planner" : actor.role === "therapist" && actor.userId === session.therapistId ? "therapist" : null;
  if (!role) notFound("Session");
  if (sessionKinds.billing(session.kind) !== "block" || !session.programId || !session.sequence) {
    return failure("NOT_A_BLOCK_SESSION", "Only program sessions are paid per block");
  }
  const settings = await loadJourneySettings(services.db);
  const paidBlocks = await paidBlocksOf(services.db, session.programId);
  const decision = canStartSession({
    sessionNumber: session.sequence,
    paidBlocks,
    override: { byUserId: actor.userId, role, reason: parsed.data.reason },
    settings: billingSettingsOf(settings),
  });
  if (!decision.allowed || !decision.override) return ok({ allowed: true, block: decision.block, overridden: false });
  try {
    await services.db
      .insertInto("paymentOverride")
      .values({ sessionId: session.id, block: decision.block, byUserId: actor.userId, role, reason: decision.override.reason, createdAt: services.now() })
      .execute();
  } catch (error) {
    if (isUniqueViolation(error)) return failure("ALREADY_RECORDED", "An override is already recorded for this session");
    throw error;
  }
  await audit(services, { actor, action: "invoice.override_recorded", recordType: "clinical_session", recordId: session.id, patientId: session.patientId });
  services.logger.info({ event: "payment.override", sessionId: session.id, block: decision.block, role }, "unpaid block override recorded");
  return ok({ allowed: true, block: decision.block, overridden: true });
}
